import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's `gc()`, obtained without `--expose-gc` on the command line (the flag is set at run time). */
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/** Runs full garbage collections so that a heap reading holds live objects only. */
export function forceGc(): void {
  gc();
  gc();
}

/**
 * Collects the young generation only (a scavenge): what a block of work left there is gone
 * before the next one starts. Unlike a full collection it leaves the heap as the work keeps it
 * (a full one lets V8 shrink the young generation, after which a block scavenges far more often
 * and spends 2–4× the CPU per request of the same work in steady state).
 */
export function collectYoungGeneration(): void {
  gc({ type: 'minor' });
}
