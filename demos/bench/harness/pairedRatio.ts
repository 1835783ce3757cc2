import { median, ratio } from './summarize';

/** Candidate ÷ baseline of one metric, taken pair by pair, and the spread over the pairs. */
export interface PairedRatio {
  /** The median of the per-pair ratios. */
  median: number;
  /** The lowest per-pair ratio. */
  min: number;
  /** The highest per-pair ratio. */
  max: number;
  /** Pairs compared. */
  pairs: number;
}

/**
 * The ratio of `metric` between the candidate's and the baseline's i-th run (or block), with
 * their median and range. The two of a pair ran back to back, so a drift in machine load (other
 * processes starting or stopping) moves both and cancels in their ratio, where a ratio of
 * medians would compare runs made far apart. Entries beyond the shorter list, and pairs whose
 * metric is not a finite number > 0 on either side (a block cut short by the time bound), are
 * ignored.
 */
export function pairedRatio<R>(
  candidate: readonly R[],
  baseline: readonly R[],
  metric: (run: R) => number,
): PairedRatio {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(candidate.length, baseline.length); i++) {
    const c = metric(candidate[i]!);
    const b = metric(baseline[i]!);
    if (c > 0 && b > 0 && Number.isFinite(c) && Number.isFinite(b)) ratios.push(ratio(c, b));
  }
  return {
    median: ratio(median(ratios), 1),
    min: ratios.length === 0 ? 0 : Math.min(...ratios),
    max: ratios.length === 0 ? 0 : Math.max(...ratios),
    pairs: ratios.length,
  };
}

/** `pairedRatio` in words: "x: median of 50 paired ratios 0.98 (range 0.9–1.07)". */
export function describePairedRatio(name: string, r: PairedRatio): string {
  return `${name}: median of ${r.pairs} paired ratios ${r.median} (range ${r.min}–${r.max})`;
}
