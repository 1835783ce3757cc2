import type { BlockResult, ClosedLoopResult } from './closedLoop';
import { runRounds, summarizeRuns, type VariantSummary } from './compare';
import { runInterleaved, type InterleavedLoopOptions } from './interleavedLoop';
import { crossoverRatios } from './crossoverRatios';
import { ratioSummary, type PairedRatio } from './pairedRatio';
import type { SuiteContext } from './suite';
import { median, ratio } from './summarize';

/** Requests per ms of wall time in one block. */
export const blockThroughput = (b: BlockResult): number => b.operations / b.durationMs;
/** CPU µs per operation in one block. */
export const blockCpuPerOperation = (b: BlockResult): number => b.cpuUs / b.operations;
/** CPU µs per operation of the process serving the load in one block (NaN when not measured). */
export const blockPeerCpuPerOperation = (b: BlockResult): number =>
  (b.peerCpuUs ?? Number.NaN) / b.operations;
/** Cores the client kept busy in one block: its CPU time ÷ the block's wall time. */
export const blockClientCores = (b: BlockResult): number => b.cpuUs / 1_000 / b.durationMs;

/** What `runInterleavedRounds` measured, per variant. */
export interface InterleavedRounds<K extends string> {
  /** Each variant's result of every round. */
  runs: Record<K, ClosedLoopResult[]>;
  /** Medians over the rounds (the table rows). */
  summaries: Record<K, VariantSummary>;
  /**
   * Candidate ÷ baseline of `metric` (default: throughput), one ratio per mirrored pair of turns
   * of every round (`crossoverRatios`): blocks run close together, so load from other processes
   * cancels, and in both orders, so what favours running first or second cancels too. With the
   * lowest and highest of the rounds' own medians (`PairedRatio.rounds`).
   */
  paired: (candidate: K, baseline: K, metric?: (b: BlockResult) => number) => PairedRatio;
}

/**
 * `ctx.rounds` rounds (after one unrecorded warm-up round) of `runInterleaved(options)`, with a
 * progress line per variant and round, summarised per variant and ready for paired ratios.
 * Throws when a variant had failed requests (the suite is then reported FAILED, not measured).
 */
export async function runInterleavedRounds<K extends string>(
  ctx: SuiteContext,
  options: InterleavedLoopOptions<K>,
): Promise<InterleavedRounds<K>> {
  const names = Object.keys(options.variants) as K[];
  // Each round continues the turn order where the last one stopped, at an even turn.
  const turnsPerRound = Math.ceil(options.operations / options.blockOperations);
  let firstTurn = 0;
  const { interleaved } = await runRounds(
    ctx.rounds,
    {
      interleaved: () => {
        const run = runInterleaved({ ...options, firstTurn });
        firstTurn += turnsPerRound + (turnsPerRound % 2);
        return run;
      },
    },
    {
      onRound: (n, _name, r) => {
        for (const name of names)
          ctx.progress(
            `round ${n + 1}/${ctx.rounds} ${name}: ${Math.round(r[name].throughput)} req/s, ${r[name].cpuPerOpUs.toFixed(1)} µs CPU/req`,
          );
      },
    },
  );
  const runs = {} as Record<K, ClosedLoopResult[]>;
  const summaries = {} as Record<K, VariantSummary>;
  for (const name of names) {
    runs[name] = interleaved.map((r) => r[name]);
    summaries[name] = summarizeRuns(runs[name]);
    // A failed request ends at once: a variant with failures would read as fast, not as broken.
    if (summaries[name].errors > 0) {
      const first = runs[name].find((run) => run.errors > 0)?.firstError;
      throw new Error(
        `${name}: ${summaries[name].errors} requests failed, so its figures mean nothing (the first: ${String(first)})`,
        { cause: first },
      );
    }
  }
  return {
    runs,
    summaries,
    paired: (candidate, baseline, metric = blockThroughput) => {
      const perRound = runs[candidate].map((run, round) =>
        crossoverRatios(run.blocks, runs[baseline][round]!.blocks, metric),
      );
      const medians = perRound.filter((r) => r.length > 0).map((r) => ratio(median(r), 1));
      const summary = ratioSummary(perRound.flat());
      return medians.length === 0
        ? summary
        : { ...summary, rounds: { low: Math.min(...medians), high: Math.max(...medians) } };
    },
  };
}
