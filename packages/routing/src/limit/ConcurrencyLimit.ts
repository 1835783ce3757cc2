/** One measured request outcome fed to a concurrency limit. */
export interface LimitSample {
  /** Round-trip time, ms. */
  rttMs: number;
  /** Requests in flight to the cluster when this one started (including itself). */
  inflight: number;
  /** Whether the request was dropped (timed out, refused, 503): an overload signal. */
  dropped?: boolean;
  /** Requests of the cluster waiting for a slot when this one ended (the demand the limit holds back). Defaults to 0. */
  queued?: number;
  /**
   * The endpoint that answered (its origin): the RTT is read against that endpoint's own no-load RTT. Defaults to
   * none (samples that name no endpoint share one baseline).
   */
  endpoint?: string;
}

/** A per-cluster concurrency limit that may learn from measured outcomes. */
export interface ConcurrencyLimit {
  /** Requests that may be in flight now; an integer ≥ 1. */
  readonly limit: number;
  /**
   * How long a request that finds no free slot may wait for one, ms: the scheduler sheds a newcomer whose
   * estimated wait is longer. Undefined: only the class's queue timeout bounds the wait.
   */
  readonly maxQueueWaitMs?: number | undefined;
  /**
   * Whether the limit is about to grow (slow start while it binds): an estimated queue time from the current
   * limit is then too long, so the scheduler does not shed by it (the class's queue timeout still bounds the wait).
   */
  readonly growing?: boolean;
  /** Records one outcome. */
  onSample(sample: LimitSample): void;
}
