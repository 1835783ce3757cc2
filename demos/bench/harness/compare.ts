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

/**
 * Runs every variant once per round, rotating which goes first so that warm-up and
 * machine noise fall on all of them alike, and returns each variant's medians.
 */
export async function compareRounds<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<ClosedLoopResult>>,
  onRound?: (round: number, name: K, result: ClosedLoopResult) => void,
): Promise<Record<K, VariantSummary>> {
  const names = Object.keys(variants) as K[];
  const runs = new Map<K, ClosedLoopResult[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const result = await variants[name]();
      runs.get(name)!.push(result);
      onRound?.(round, name, result);
    }
  }
  const summary = {} as Record<K, VariantSummary>;
  for (const name of names) {
    const list = runs.get(name)!;
    summary[name] = {
      rounds: list.length,
      throughput: median(list.map((r) => r.throughput)),
      p50: median(list.map((r) => r.latency.p50)),
      p99: median(list.map((r) => r.latency.p99)),
      p999: median(list.map((r) => r.latency.p999)),
      cpuPerOpUs: median(list.map((r) => r.cpuPerOpUs)),
      errors: list.reduce((sum, r) => sum + r.errors, 0),
    };
  }
  return summary;
}
