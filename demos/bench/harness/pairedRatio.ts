import { median, ratio } from './summarize';

/** Candidate ÷ baseline of one metric, taken round by round, and the spread over the rounds. */
export interface PairedRatio {
  /** The median of the per-round ratios. */
  median: number;
  /** The lowest per-round ratio. */
  min: number;
  /** The highest per-round ratio. */
  max: number;
  /** Rounds compared. */
  rounds: number;
}

/**
 * The ratio of `metric` between the candidate's and the baseline's run of each round, with
 * their median and range. Two runs of one round ran back to back, so a drift in machine load
 * over the rounds (other processes starting or stopping) moves both and cancels in their
 * ratio, where a ratio of medians would compare runs made minutes apart. Rounds beyond the
 * shorter list are ignored.
 */
export function pairedRatio<R>(
  candidate: readonly R[],
  baseline: readonly R[],
  metric: (run: R) => number,
): PairedRatio {
  const ratios: number[] = [];
  for (let round = 0; round < Math.min(candidate.length, baseline.length); round++)
    ratios.push(ratio(metric(candidate[round]!), metric(baseline[round]!)));
  return {
    median: ratio(median(ratios), 1),
    min: ratios.length === 0 ? 0 : Math.min(...ratios),
    max: ratios.length === 0 ? 0 : Math.max(...ratios),
    rounds: ratios.length,
  };
}

/** `pairedRatio` in words: "0.98 (0.95–1.01 over 5 rounds)". */
export function describePairedRatio(name: string, r: PairedRatio): string {
  return `${name}: median of per-round ratios ${r.median} (range ${r.min}–${r.max} over ${r.rounds} rounds)`;
}
