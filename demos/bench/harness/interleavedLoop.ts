import { performance } from 'node:perf_hooks';

import { LoadTally, runBlock, type ClosedLoopResult } from './closedLoop';

/** Options of `runInterleaved`. */
export interface InterleavedLoopOptions<K extends string> {
  /** Operations per variant in total. */
  operations: number;
  /** Operations per block: the variants take turns a block at a time. */
  blockOperations: number;
  /** Operations in flight at once (within a block). */
  concurrency: number;
  /** Hard stop for the whole run, ms: every variant ends early when it is reached. */
  maxDurationMs: number;
  /** One operation of each variant; a rejection counts as an error. */
  variants: Record<K, (index: number) => Promise<unknown>>;
}

/**
 * Closed-loop runs of several variants that take turns in blocks of `blockOperations` (the
 * first variant of each turn rotating), so that load from other processes, which on a shared
 * machine comes and goes within seconds, falls on every variant alike instead of on whichever
 * ran during it. Each variant's result covers only its own blocks: their latencies, their
 * wall time (throughput) and the CPU time spent in them.
 */
export async function runInterleaved<K extends string>(
  options: InterleavedLoopOptions<K>,
): Promise<Record<K, ClosedLoopResult>> {
  const names = Object.keys(options.variants) as K[];
  const tallies = new Map(names.map((name) => [name, new LoadTally(options.operations)]));
  const deadline = performance.now() + options.maxDurationMs;
  const maxTurns = Math.ceil(options.operations / options.blockOperations);
  for (let turn = 0; turn < maxTurns && performance.now() < deadline; turn++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + turn) % names.length]!;
      const tally = tallies.get(name)!;
      await runBlock(tally, options.blockOperations, options.concurrency, deadline, options.variants[name]);
    }
  }
  const results = {} as Record<K, ClosedLoopResult>;
  for (const name of names) results[name] = tallies.get(name)!.result();
  return results;
}
