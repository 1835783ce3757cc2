import { performance } from 'node:perf_hooks';

import { LoadTally, runBlock, type ClosedLoopResult } from './closedLoop';
import { collectYoungGeneration } from './forceGc';
import { turnOrder } from './turnOrder';

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
  /**
   * The number of this run's first turn in `turnOrder`, so that successive runs continue the
   * rotation instead of each starting it over. Defaults to 0.
   */
  firstTurn?: number;
  /**
   * The CPU time used so far by the process serving the load (the upstream), µs: each block
   * records what it spent serving that block (`BlockResult.peerCpuUs`). Defaults to none.
   */
  peerCpuUs?: () => number;
}

/**
 * Closed-loop runs of several variants that take turns in blocks of `blockOperations`, in the
 * order `turnOrder` gives (rotating, every other turn backwards), so that load from other
 * processes, which on a shared machine comes and goes within seconds, falls on every variant
 * alike instead of on whichever ran during it, and so that what one block leaves behind falls
 * on the blocks after it in both orders. Before each block the young generation is collected,
 * outside the block's time: a block pays for collecting its own short-lived garbage, not an
 * earlier variant's. Not a full collection: after one, V8 shrinks the young generation, and the
 * blocks after it measured 2–4× the CPU per request of steady state, the variant that allocates
 * more the most (pipeline ÷ undici dispatch CPU 1.75 with full collections, 1.34 with young
 * ones, 1.36 for each run alone, 40 000 requests). Each variant's result
 * covers only its own blocks: their latencies, their wall time (throughput) and the CPU time spent in them.
 */
export async function runInterleaved<K extends string>(
  options: InterleavedLoopOptions<K>,
): Promise<Record<K, ClosedLoopResult>> {
  const names = Object.keys(options.variants) as K[];
  const tallies = new Map(names.map((name) => [name, new LoadTally(options.operations)]));
  const deadline = performance.now() + options.maxDurationMs;
  const maxTurns = Math.ceil(options.operations / options.blockOperations);
  const firstTurn = options.firstTurn ?? 0;
  for (let turn = 0; turn < maxTurns && performance.now() < deadline; turn++) {
    for (const name of turnOrder(names, firstTurn + turn)) {
      const tally = tallies.get(name)!;
      collectYoungGeneration();
      await runBlock(
        tally,
        options.blockOperations,
        options.concurrency,
        deadline,
        options.variants[name],
        options.peerCpuUs,
      );
    }
  }
  const results = {} as Record<K, ClosedLoopResult>;
  for (const name of names) results[name] = tallies.get(name)!.result();
  return results;
}
