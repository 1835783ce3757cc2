/**
 * Percentiles over the last `capacity` samples (a ring buffer): bounded memory however long
 * it runs. Sorting happens only when a percentile is read.
 */
export class RollingPercentile {
  private readonly samples: Float64Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity = 1_024) {
    this.samples = new Float64Array(capacity);
  }

  /** Records one sample. */
  add(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The nearest-rank `q`-quantile (0..1) of the retained samples; 0 when there are none. */
  quantile(q: number): number {
    if (this.size === 0) return 0;
    const sorted = this.samples.slice(0, this.size).sort();
    return sorted[Math.min(this.size - 1, Math.max(0, Math.ceil(q * this.size) - 1))]!;
  }
}
