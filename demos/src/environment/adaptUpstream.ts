import type { SpawnedUpstream, Upstream } from '@slipstream/testkit';
import type { DemoUpstream } from './DemoUpstream';

/** A testkit upstream in a child process; `kill()` is a SIGKILL (a crash). */
export function fromSpawnedUpstream(up: SpawnedUpstream): DemoUpstream {
  return {
    origin: up.origin,
    counters: () => up.counters(),
    resetCounters: () => up.resetCounters(),
    setBehaviour: (config) => up.setBehaviour(config),
    kill: () => up.kill('SIGKILL'),
    close: () => up.close(),
  };
}

/** A testkit upstream in this process (tests); `kill()` stops it: connections are refused and open ones cut. */
export function fromInProcessUpstream(up: Upstream): DemoUpstream {
  return {
    origin: up.origin,
    counters: () => Promise.resolve(up.counters()),
    resetCounters: () => Promise.resolve(up.resetCounters()),
    setBehaviour: (config) => Promise.resolve(up.setBehaviour(config)),
    kill: () => up.stop(),
    close: () => up.close(),
  };
}
