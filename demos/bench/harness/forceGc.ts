import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's `gc()`, obtained without `--expose-gc` on the command line (the flag is set at run time). */
const gc = runInNewContext('gc') as () => void;

/** Runs full garbage collections so that a heap reading holds live objects only. */
export function forceGc(): void {
  gc();
  gc();
}
