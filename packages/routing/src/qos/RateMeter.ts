/**
 * An exponentially decayed event rate: each event adds `1 / windowMs`, and the sum decays
 * with time constant `windowMs`, so for a steady stream it reads the events per ms of about
 * the last `windowMs`. O(1) memory, no timers: time comes from the caller's clock.
 */
export class RateMeter {
  private rate = 0;
  private at = 0;

  constructor(readonly windowMs: number) {}

  /** Records `count` events at `now` (ms). */
  record(now: number, count = 1): void {
    this.rate = this.perMs(now) + count / this.windowMs;
    this.at = now;
  }

  /** Events per ms at `now` (0 before the first event). */
  perMs(now: number): number {
    return this.rate === 0 ? 0 : this.rate * Math.exp(-Math.max(0, now - this.at) / this.windowMs);
  }
}
