import type { ClosedLoopResult } from './closedLoop';
import { median } from './summarize';

/** Medians over rounds of one variant's closed-loop runs. */
export interface VariantSummary {
  rounds: number;
  throughput: number;
  p50: number;
  p99: number;
  p999: number;
  cpuPerOpUs: number;
  errors: number;
}

/** How `runRounds` / `compareRounds` run the variants. */
export interface RoundsOptions<K extends string, R> {
  /** Run every variant once, unrecorded, before the first round (JIT, connections). Defaults to true. */
  warmUp?: boolean;
  /** Called after each recorded run. Defaults to none. */
  onRound?: (round: number, name: K, result: R) => void;
}

/**
 * Runs every variant once per round, rotating which goes first so that warm-up and machine
 * noise fall on all of them alike, and returns each variant's results, one per round.
 */
export async function runRounds<K extends string, R>(
  rounds: number,
  variants: Record<K, () => Promise<R>>,
  options: RoundsOptions<K, R> = {},
): Promise<Record<K, R[]>> {
  const names = Object.keys(variants) as K[];
  if (options.warmUp ?? true) for (const name of names) await variants[name]();
  const runs = {} as Record<K, R[]>;
  for (const name of names) runs[name] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const result = await variants[name]();
      runs[name].push(result);
      options.onRound?.(round, name, result);
    }
  }
  return runs;
}

/** The medians of one variant's closed-loop runs (errors are summed). */
export function summarizeRuns(list: readonly ClosedLoopResult[]): VariantSummary {
  return {
    rounds: list.length,
    throughput: median(list.map((r) => r.throughput)),
    p50: median(list.map((r) => r.latency.p50)),
    p99: median(list.map((r) => r.latency.p99)),
    p999: median(list.map((r) => r.latency.p999)),
    cpuPerOpUs: median(list.map((r) => r.cpuPerOpUs)),
    errors: list.reduce((sum, r) => sum + r.errors, 0),
  };
}

/** `runRounds` over closed-loop variants, summarised per variant with `summarizeRuns`. */
export async function compareRounds<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<ClosedLoopResult>>,
  options: RoundsOptions<K, ClosedLoopResult> = {},
): Promise<Record<K, VariantSummary>> {
  const runs = await runRounds(rounds, variants, options);
  const summary = {} as Record<K, VariantSummary>;
  for (const name of Object.keys(runs) as K[]) summary[name] = summarizeRuns(runs[name]);
  return summary;
}
