import { medianInterval } from '@slipstream/contracts';
import { median, ratio } from './summarize';

/** Candidate ÷ baseline of one metric, taken pair by pair, and the spread over the pairs. */
export interface PairedRatio {
  /** The median of the per-pair ratios. */
  median: number;
  /** Lower end of the median's 95 % confidence interval (`medianInterval`). */
  low: number;
  /** Upper end of the median's 95 % confidence interval. */
  high: number;
  /** The interval's coverage: 0.95 or more, lower with fewer than 6 pairs (then it is the range). */
  confidence: number;
  /**
   * The median's interval at `VERDICT_CONFIDENCE` (99.9 %): what the verdict reads. With up to 11 pairs it is
   * the paired range; with 20, the third lowest to the third highest pair (the range without the two most
   * extreme pairs at each end, so that a disturbed block or two cannot decide).
   */
  verdictLow: number;
  /** Upper end of the verdict's interval. */
  verdictHigh: number;
  /** The lowest per-pair ratio. */
  min: number;
  /** The highest per-pair ratio. */
  max: number;
  /** Pairs compared. */
  pairs: number;
  /**
   * The lowest and highest of the rounds' own medians, when the pairs came from several rounds.
   * Load from other processes that changes between rounds (or state that drifts over a run,
   * such as an adaptive limit) moves them; the interval above, which takes every pair for an
   * independent draw, does not show that. Undefined: not grouped in rounds.
   */
  rounds?: { low: number; high: number };
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
    const r = runRatio(candidate[i]!, baseline[i]!, metric);
    if (r !== undefined) ratios.push(r);
  }
  return ratioSummary(ratios);
}

/**
 * `metric` of `candidate` ÷ `metric` of `baseline`; undefined when either is not a finite
 * number > 0 (a block cut short by the time bound).
 */
export function runRatio<R>(candidate: R, baseline: R, metric: (run: R) => number): number | undefined {
  const c = metric(candidate);
  const b = metric(baseline);
  return c > 0 && b > 0 && Number.isFinite(c) && Number.isFinite(b) ? c / b : undefined;
}

/** The confidence of the median's interval a verdict reads (`PairedRatio.verdictLow`–`verdictHigh`). */
export const VERDICT_CONFIDENCE = 0.999;

/**
 * The median of `ratios` (one per pair), its 95 % confidence interval (`medianInterval`), its 99.9 % one (the
 * verdict's) and their range.
 */
export function ratioSummary(ratios: readonly number[]): PairedRatio {
  const none = { low: 0, high: 0, confidence: 0 };
  const interval = medianInterval(ratios) ?? none;
  const wide = medianInterval(ratios, VERDICT_CONFIDENCE) ?? none;
  return {
    median: ratio(median(ratios), 1),
    low: ratio(interval.low, 1),
    high: ratio(interval.high, 1),
    confidence: ratio(interval.confidence, 1),
    verdictLow: ratio(wide.low, 1),
    verdictHigh: ratio(wide.high, 1),
    min: ratios.length === 0 ? 0 : ratio(Math.min(...ratios), 1),
    max: ratios.length === 0 ? 0 : ratio(Math.max(...ratios), 1),
    pairs: ratios.length,
  };
}

/** `pairedRatio` in words: "x: median of 50 paired ratios 0.98 (95 % CI 0.96–1.01, range 0.9–1.07)". */
export function describePairedRatio(name: string, r: PairedRatio): string {
  return `${name}: median of ${r.pairs} paired ratios ${r.median} (${describeInterval(r)})`;
}

/**
 * The median's interval, the verdict's (99.9 %) one, the paired range and, when grouped in rounds, the
 * rounds' medians: "95 % CI 0.96–1.01, 99.9 % 0.93–1.04, range 0.9–1.07, rounds' medians 0.95–1.02".
 */
export function describeInterval(r: PairedRatio): string {
  const rounds = r.rounds === undefined ? '' : `, rounds' medians ${r.rounds.low}–${r.rounds.high}`;
  return (
    `${Math.floor(r.confidence * 100)} % CI ${r.low}–${r.high}, 99.9 % ${r.verdictLow}–${r.verdictHigh}, ` +
    `range ${r.min}–${r.max}${rounds}`
  );
}
