import { medianInterval } from './medianInterval';

/** What an interleaved A/B comparison concluded. */
export type AbVerdict = 'improved' | 'no measurable change' | 'worse';

/**
 * The outcome of an interleaved A/B comparison: blocks of the same workload run alternately
 * with the old (A) and the new (B) settings, compared pair by pair.
 */
export interface PairedComparison {
  /** The metric compared, e.g. `goodput` or `latencyP99Ms`. */
  metric: string;
  /** Whether the metric improves downwards or upwards. */
  better: 'lower' | 'higher';
  /**
   * Median of the per-pair improvement ratios, each oriented so that > 1 means the new
   * settings did better: new ÷ old for a `higher`-is-better metric, old ÷ new for `lower`.
   */
  median: number;
  /**
   * The interval's lower end: the k-th lowest per-pair ratio, k the sign test's rank for a
   * 95 % interval of the median (`medianInterval`): the lowest ratio (the paired range) up to
   * 8 pairs, the second lowest for 9–11, the third for 12–14.
   */
  low: number;
  /** The interval's upper end: the k-th highest per-pair ratio. */
  high: number;
  /**
   * Confidence of [low, high] as an interval of the median ratio, distribution-free (a sign
   * test): 1 − 2 × P(Binomial(pairs, ½) < k). 0.992 for 8 pairs, 0.979 for 10, 0.988 for 11.
   */
  level: number;
  /** Pairs compared (pairs whose metric is not a finite number ≥ 0 on both sides are left out). */
  pairs: number;
  /** Noise margin the median had to clear beyond 1 (0 when none was learned). */
  margin: number;
  verdict: AbVerdict;
}

/** Fewest pairs a comparison needs before it may conclude anything but `no measurable change`. */
export const MIN_AB_PAIRS = 5;

/**
 * The ratio a pair counts as when the side divided by measured 0 and the other did not (a
 * queue that emptied, say): large enough to be beyond any margin, finite so it survives JSON.
 */
export const ZERO_RATIO_CAP = 1_000;

/**
 * Compares the i-th old block with the i-th new block for every i (the two of a pair ran back
 * to back, so a drift in machine load moves both and cancels in their ratio). The interval
 * [low, high] is the median ratio's distribution-free 95 % confidence interval
 * (`medianInterval`): the k-th lowest and k-th highest ratio. When nothing changed, each ratio is as likely
 * above 1 as below, so `low > 1` (at least pairs − k + 1 of them above 1) happens by chance with
 * probability P(Binomial(pairs, ½) < k) — 2^(−pairs) with k = 1 (the paired range), 0.6 % for
 * 11 pairs with k = 2 — an exact sign test that one stray pair (a GC pause, a scheduler hiccup)
 * cannot veto once there are 9 pairs or more. The verdict:
 * - `improved` when the interval lies above 1 and the median above 1 + `margin`;
 * - `worse` when the interval lies below 1 and the median below 1 ÷ (1 + `margin`);
 * - `no measurable change` otherwise, and always with fewer than `MIN_AB_PAIRS` pairs.
 */
export function comparePaired(
  metric: string,
  better: 'lower' | 'higher',
  oldBlocks: readonly number[],
  newBlocks: readonly number[],
  margin = 0,
): PairedComparison {
  const ratios = pairRatios(oldBlocks, newBlocks, better);
  const mid = median(ratios);
  const { low, high, confidence: level } = medianInterval(ratios) ?? { low: 0, high: 0, confidence: 0 };
  let verdict: AbVerdict = 'no measurable change';
  if (ratios.length >= MIN_AB_PAIRS && low > 1 && mid > 1 + margin) verdict = 'improved';
  if (ratios.length >= MIN_AB_PAIRS && high < 1 && mid < 1 / (1 + margin)) verdict = 'worse';
  return { metric, better, median: mid, low, high, level, pairs: ratios.length, margin, verdict };
}

/**
 * The noise margin of a metric learned from A/A blocks (consecutive blocks with nothing
 * changed, paired first with second, third with fourth, …): the largest relative distance of
 * a paired ratio from 1, i.e. max |r − 1| taken on the side above 1 (a ratio r < 1 counts as
 * 1 ÷ r − 1). A change must beat the drift that the unchanged system showed. 0 with fewer than
 * two blocks.
 */
export function learnMargin(aaBlocks: readonly number[]): number {
  const firsts: number[] = [];
  const seconds: number[] = [];
  for (let i = 0; i + 1 < aaBlocks.length; i += 2) {
    firsts.push(aaBlocks[i]!);
    seconds.push(aaBlocks[i + 1]!);
  }
  let margin = 0;
  for (const r of pairRatios(firsts, seconds, 'higher'))
    margin = Math.max(margin, r >= 1 ? r - 1 : 1 / r - 1);
  return margin;
}

/**
 * Per-pair improvement ratios, ascending; pairs not finite and ≥ 0 on both sides are left out.
 * 0 ÷ 0 counts as 1 (no change), x ÷ 0 as `ZERO_RATIO_CAP`.
 */
function pairRatios(
  oldBlocks: readonly number[],
  newBlocks: readonly number[],
  better: 'lower' | 'higher',
): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(oldBlocks.length, newBlocks.length); i++) {
    const a = oldBlocks[i]!;
    const b = newBlocks[i]!;
    if (!(a >= 0 && b >= 0 && Number.isFinite(a) && Number.isFinite(b))) continue;
    const [top, bottom] = better === 'higher' ? [b, a] : [a, b];
    ratios.push(bottom > 0 ? top / bottom : top > 0 ? ZERO_RATIO_CAP : 1);
  }
  return ratios.sort((x, y) => x - y);
}

/** Median of `values` (the mean of the middle two for an even count); 0 when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
