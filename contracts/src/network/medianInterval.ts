/** A distribution-free confidence interval of a median. */
export interface MedianInterval {
  /** Lower end: the k-th smallest value. */
  low: number;
  /** Upper end: the k-th largest value. */
  high: number;
  /** The probability that such an interval covers the true median (≥ the one asked for unless too few values). */
  confidence: number;
}

/**
 * The order-statistic confidence interval of the median of `values`: [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] with the
 * largest k whose coverage 1 − 2·P(Binomial(n, ½) < k) is at least `confidence` (the sign
 * test's interval: exact for any continuous distribution, no resampling, so a rerun of the same
 * data gives the same interval). Unlike the range [min, max] it narrows as pairs are added.
 * With too few values for `confidence` (n ≤ 5 for 0.95) it is the range, with its lower
 * coverage reported. Undefined for no values.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  let pmf = 2 ** -n; // P(B = k − 1) for B ~ Binomial(n, ½)
  let tail = pmf; // P(B < k)
  let k = 1;
  while (k + 1 <= (n + 1) / 2) {
    const nextPmf = (pmf * (n - k + 1)) / k; // P(B = k)
    if (1 - 2 * (tail + nextPmf) < confidence) break;
    pmf = nextPmf;
    tail += nextPmf;
    k += 1;
  }
  return { low: sorted[k - 1]!, high: sorted[n - k]!, confidence: 1 - 2 * tail };
}
