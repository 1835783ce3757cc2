import type { Sample } from './parseExposition';

/**
 * PromQL's `histogram_quantile(q, sum by (le) (…))` over the `_bucket` samples of `name` that
 * match `labels`: the bucket where the cumulative count reaches q × total, interpolated linearly
 * between its lower and upper bound (the lowest bucket starts at 0; a rank in `+Inf` answers the
 * highest finite bound), as Prometheus computes it.
 */
export function histogramQuantile(
  q: number,
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    if (!Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const buckets = [...byLe].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
