/** One measured request outcome fed to a concurrency limit. */
export interface LimitSample {
  /** Round-trip time, ms. */
  rttMs: number;
  /** Requests in flight to the cluster when this one started (including itself). */
  inflight: number;
  /** Whether the request was dropped (timed out, refused, 503): an overload signal. */
  dropped?: boolean;
}

/** A per-cluster concurrency limit that may learn from measured outcomes. */
export interface ConcurrencyLimit {
  /** Requests that may be in flight now; an integer ≥ 1. */
  readonly limit: number;
  /**
   * How long a request may wait for a slot now, ms: short while the limit has measured that the
   * upstream is congested (its latency rose with load), so that a standing queue is shed rather
   * than served late; `Infinity` otherwise (a queue that only absorbs a burst is kept).
   */
  readonly queueBudgetMs: number;
  /** Records one outcome. */
  onSample(sample: LimitSample): void;
}
