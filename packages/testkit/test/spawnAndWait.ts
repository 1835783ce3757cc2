// Forked by the orphan test: spawns an upstream, reports its pid, then idles until killed.
import { spawnUpstream } from '../src/process/spawnUpstream';

void spawnUpstream().then((proc) => {
  process.send?.({ pid: proc.pid });
  setInterval(() => undefined, 60_000);
});
