/** Sub-buckets per power of two: bucket width ≤ 1/128 of its lower bound, so a midpoint is within 0.39 %. */
const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Values are kept in whole microseconds, up to 2^32 − 1 µs (about 71.6 minutes). */
const MAX_UNITS = 0xffff_ffff;
const UNITS_PER_MS = 1_000;
/** Index of the last bucket (the octave of 2^31..2^32 µs) plus one. */
const BUCKET_COUNT = (32 - SUB_BUCKET_BITS) * SUB_BUCKETS + SUB_BUCKETS;

/**
 * A fixed-memory log-linear latency histogram from 1 µs to about 71 minutes.
 *
 * Values below 256 µs land in 1 µs buckets; above, each power of two is split into 128
 * linear sub-buckets, so every bucket is at most 1/128 of its lower bound wide and a
 * percentile, reported as its bucket's midpoint, is within 0.39 % of the recorded value
 * (for values ≥ 0.1 ms). The counts live in one preallocated `Float64Array` of
 * `LatencyHistogram.BUCKETS` entries (26 KiB); `record` is O(1) and allocates nothing.
 * Values above the range are counted in the top bucket; `max` stays exact.
 */
export class LatencyHistogram {
  /** Number of buckets, fixed for every histogram. */
  static readonly BUCKETS = BUCKET_COUNT;
  /** Bytes of counts one histogram holds. */
  static readonly BYTES = BUCKET_COUNT * Float64Array.BYTES_PER_ELEMENT;

  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private sum = 0;
  private minMs = Infinity;
  private maxMs = 0;

  /** Samples recorded. */
  get count(): number {
    return this.total;
  }

  /** Mean of the recorded values, ms (exact; 0 when empty). */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /** Smallest recorded value, ms (exact; 0 when empty). */
  get min(): number {
    return this.total === 0 ? 0 : this.minMs;
  }

  /** Largest recorded value, ms (exact; 0 when empty). */
  get max(): number {
    return this.maxMs;
  }

  /** Records one latency in ms. Negative and NaN values count as 0. */
  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    this.counts[LatencyHistogram.indexOf(value)]! += 1;
    this.total += 1;
    this.sum += value;
    if (value < this.minMs) this.minMs = value;
    if (value > this.maxMs) this.maxMs = value;
  }

  /**
   * The p-th percentile (0..100) by nearest rank, ms: the midpoint of the bucket holding
   * the ⌈p/100 × count⌉-th smallest sample, clamped to [min, max]. 0 when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const mid = LatencyHistogram.midpointOf(i);
        return Math.min(this.maxMs, Math.max(this.minMs, mid));
      }
    }
    return this.maxMs;
  }

  /** Forgets every sample. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.minMs = Infinity;
    this.maxMs = 0;
  }

  /** Adds `other`'s samples to this histogram. */
  merge(other: LatencyHistogram): void {
    if (other.total === 0) return;
    const src = other.counts;
    const dst = this.counts;
    for (let i = 0; i < BUCKET_COUNT; i++) dst[i]! += src[i]!;
    this.total += other.total;
    this.sum += other.sum;
    if (other.minMs < this.minMs) this.minMs = other.minMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  /** The bucket index of a value in ms (≥ 0). */
  private static indexOf(ms: number): number {
    const units = Math.min(MAX_UNITS, Math.floor(ms * UNITS_PER_MS)) >>> 0;
    if (units < SUB_BUCKETS * 2) return units;
    const shift = 31 - Math.clz32(units) - SUB_BUCKET_BITS;
    return shift * SUB_BUCKETS + (units >>> shift);
  }

  /** The midpoint of a bucket, ms. */
  private static midpointOf(index: number): number {
    if (index < SUB_BUCKETS * 2) return (index + 0.5) / UNITS_PER_MS;
    const shift = (index >>> SUB_BUCKET_BITS) - 1;
    const width = 2 ** shift;
    const lower = (index - shift * SUB_BUCKETS) * width;
    return (lower + width / 2) / UNITS_PER_MS;
  }
}
