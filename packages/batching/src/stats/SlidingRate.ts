const BUCKETS = 20;

/**
 * Counts events over a sliding window, in `BUCKETS` slots of `windowMs / BUCKETS` each,
 * and reports events per second over the part of the window that has elapsed. Expired slots
 * are dropped lazily: when an event lands in a new slot, and on every read.
 */
export class SlidingRate {
  private readonly counts = new Map<number, number>();
  private startedAt: number;
  /** The slot the last event landed in; pruning runs only when it changes. */
  private lastSlot = Number.NaN;

  constructor(
    private windowMs: number,
    now: number,
  ) {
    this.startedAt = now;
  }

  /**
   * Changes the window length. A new length empties the counts and restarts the window at
   * `now` (slots of another length cannot be re-cut, and kept ones would never expire);
   * the length in force changes nothing.
   */
  setWindow(windowMs: number, now: number): void {
    if (windowMs === this.windowMs) return;
    this.windowMs = windowMs;
    this.counts.clear();
    this.startedAt = now;
    this.lastSlot = Number.NaN;
  }

  /** Records `n` events at `now`. */
  add(now: number, n = 1): void {
    const slot = this.slotOf(now);
    if (slot !== this.lastSlot) {
      this.lastSlot = slot;
      this.prune(now);
    }
    this.counts.set(slot, (this.counts.get(slot) ?? 0) + n);
  }

  /** Events per second over the window ending at `now` (or since creation, when shorter). */
  perSecond(now: number): number {
    this.prune(now);
    let total = 0;
    for (const n of this.counts.values()) total += n;
    const spanMs = Math.min(this.windowMs, now - this.startedAt);
    return spanMs > 0 ? (total * 1_000) / spanMs : 0;
  }

  /** Slots recorded and not yet pruned (for tests of the pruning). */
  get slotCount(): number {
    return this.counts.size;
  }

  private slotOf(now: number): number {
    return Math.floor(now / (this.windowMs / BUCKETS));
  }

  private prune(now: number): void {
    const oldest = this.slotOf(now - this.windowMs);
    for (const slot of this.counts.keys()) if (slot <= oldest) this.counts.delete(slot);
  }
}
