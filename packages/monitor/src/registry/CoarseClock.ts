/**
 * A clock read once per `resolutionMs` at most: reading the system clock costs 0.2–0.3 µs
 * on some virtual machines (measured on this project's CI box), more than the rest of the
 * record path. The first read after the resolution has lapsed reads the source and arms a
 * one-shot unref'd timer; an idle registry holds no timer. Resolution 0 reads the source
 * every time.
 */
export class CoarseClock {
  private cached = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly expire = (): void => {
    this.timer = undefined;
  };

  constructor(
    private readonly source: () => number,
    /** How stale a reading may be, ms. */
    readonly resolutionMs: number,
  ) {}

  /** The time, ms, at most `resolutionMs` old. */
  now(): number {
    if (this.resolutionMs === 0) return this.source();
    if (this.timer === undefined) {
      this.cached = this.source();
      this.timer = setTimeout(this.expire, this.resolutionMs);
      this.timer.unref();
    }
    return this.cached;
  }

  /** Drops the pending timer (the next read reads the source). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
