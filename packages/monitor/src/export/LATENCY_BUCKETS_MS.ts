/**
 * The upper bounds (ms) of the request-latency histogram's buckets, fixed so that series of
 * every instance aggregate (`sum by (le)`): 1 ms to 30 s in steps of at most ×2 (a 1-2-3-5-7.5
 * progression), 22 bounds plus `+Inf`. `histogram_quantile` over them is exact to one bucket, so
 * the ratio of neighbouring bounds (≤ 2, ≤ 1.5 above 2 ms) is the worst-case relative error.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([
  1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 2_000, 5_000, 10_000, 30_000,
]);

/** The index of the first bucket whose bound is ≥ `ms` (`LATENCY_BUCKETS_MS.length`: the `+Inf` bucket). */
export function latencyBucketIndex(ms: number): number {
  const bounds = LATENCY_BUCKETS_MS;
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
