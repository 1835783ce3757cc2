const BUCKETS = 20;

/**
 * Counts events over a sliding window, in `BUCKETS` slots of `windowMs / BUCKETS` each,
 * and reports events per second over the part of the window that has elapsed.
 */
export class SlidingRate {
  private readonly counts = new Map<number, number>();
  private readonly startedAt: number;

  constructor(
    private windowMs: number,
    now: number,
  ) {
    this.startedAt = now;
  }

  /** Changes the window length; counts already recorded are kept where they still fit. */
  setWindow(windowMs: number): void {
    this.windowMs = windowMs;
  }

  /** Records `n` events at `now`. */
  add(now: number, n = 1): void {
    const slot = this.slotOf(now);
    this.counts.set(slot, (this.counts.get(slot) ?? 0) + n);
    this.prune(now);
  }

  /** Events per second over the window ending at `now` (or since creation, when shorter). */
  perSecond(now: number): number {
    this.prune(now);
    let total = 0;
    for (const n of this.counts.values()) total += n;
    const spanMs = Math.min(this.windowMs, now - this.startedAt);
    return spanMs > 0 ? (total * 1_000) / spanMs : 0;
  }

  private slotOf(now: number): number {
    return Math.floor(now / (this.windowMs / BUCKETS));
  }

  private prune(now: number): void {
    const oldest = this.slotOf(now - this.windowMs);
    for (const slot of this.counts.keys()) if (slot <= oldest) this.counts.delete(slot);
  }
}
