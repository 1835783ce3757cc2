import type { EndpointStats } from '@slipstream/contracts';

/**
 * What an attempt's outcome means to its endpoint, as the pipeline's outcome classifier rules
 * (its `OUTCOME_EFFECTS` table): charged as a failure (upstream failure or overload), a success
 * (a success or a 4xx), or ignored (a local rejection or the caller's cancellation: the
 * endpoint was not at fault, and its latency was not measured).
 */
export type EndpointEffect = 'success' | 'failure' | 'ignore';

/** How one request to an endpoint ended: its round-trip time and the classifier's effect. */
export interface RequestOutcome {
  /** Time from start to response headers (or failure), ms. */
  rttMs: number;
  /** What the outcome means to the endpoint. */
  effect: EndpointEffect;
}

/** Settings of one endpoint's latency estimate. */
export interface EndpointStateOptions {
  /** Relative weight. Defaults to 1. */
  weight?: number;
  /** Priority tier, 0 = primary. Defaults to 0. */
  tier?: number;
  /** Decay time constant τ of the peak EWMA, ms. Defaults to 10_000 ms. */
  ewmaDecayMs?: number;
  /** Latency a failed request (5xx, 429, error) counts as at least, ms. Defaults to 1_000 ms. */
  failurePenaltyMs?: number;
}

const DEFAULTS = Object.freeze({ weight: 1, tier: 0, ewmaDecayMs: 10_000, failurePenaltyMs: 1_000 });

/**
 * The live state of one endpoint of a cluster: configured weight and tier, requests in
 * flight, a peak-EWMA latency estimate, counters, health and ejection. Fed by `start` and
 * `end` around every request.
 */
export class EndpointState {
  /** Configured relative weight (a reconfiguration may change it). */
  weight: number;
  /** Priority tier, 0 = primary (a reconfiguration may change it). */
  tier: number;
  /** Weight in force now: `weight`, scaled down while slow start ramps a recovered endpoint. */
  effectiveWeight: number;
  /** Requests started and not yet ended. */
  inflight = 0;
  /** Requests started. */
  requests = 0;
  /** Requests that ended in failure (effect `failure`). */
  failures = 0;
  /** Failures in a row, reset by a success. */
  consecutiveFailures = 0;
  /** Answers (ends that were not failures) whose round trip was measured. */
  latencySamples = 0;
  /** Sum of those answers' round trips, ms. */
  latencyTotalMs = 0;
  /** Result of active health checks; endpoints start healthy. */
  healthy = true;
  /** Ejected by outlier detection. */
  ejected = false;
  /** Times outlier detection ejected this endpoint. */
  ejections = 0;
  /** When the endpoint last became available again (for slow start), ms; undefined before. */
  recoveredAt: number | undefined;
  private ewma = 0;
  private ewmaStamp = 0;
  private readonly decayMs: number;
  private readonly penaltyMs: number;

  constructor(
    /** `http://host:port`. */
    readonly origin: string,
    options: EndpointStateOptions = {},
  ) {
    this.weight = options.weight ?? DEFAULTS.weight;
    this.tier = options.tier ?? DEFAULTS.tier;
    this.decayMs = options.ewmaDecayMs ?? DEFAULTS.ewmaDecayMs;
    this.penaltyMs = options.failurePenaltyMs ?? DEFAULTS.failurePenaltyMs;
    this.effectiveWeight = this.weight;
  }

  /** Whether the endpoint may take traffic outside panic mode: healthy and not ejected. */
  get available(): boolean {
    return this.healthy && !this.ejected;
  }

  /** Records the start of a request. */
  start(): void {
    this.inflight += 1;
    this.requests += 1;
  }

  /**
   * Records the end of a request at time `now` (ms) and returns whether it failed. A failure
   * counts as at least `failurePenaltyMs`, so a fast-failing endpoint does not look fast; an
   * ignored outcome only leaves the in-flight count.
   */
  end(outcome: RequestOutcome, now: number): boolean {
    this.inflight = Math.max(0, this.inflight - 1);
    const effect = outcome.effect;
    if (effect === 'ignore') return false;
    const failed = effect === 'failure';
    if (failed) {
      this.failures += 1;
      this.consecutiveFailures += 1;
    } else {
      this.consecutiveFailures = 0;
      this.latencySamples += 1;
      this.latencyTotalMs += outcome.rttMs;
    }
    this.observe(failed ? Math.max(outcome.rttMs, this.penaltyMs) : outcome.rttMs, now);
    return failed;
  }

  /**
   * The peak-EWMA latency estimate at `now`, ms: a sample above the estimate replaces it
   * (peak), a lower one is averaged in with weight 1 − e^(−Δt/τ); between samples the
   * estimate decays toward zero so a once-slow endpoint gets probed again.
   */
  ewmaMs(now: number): number {
    return this.ewma * this.decay(now);
  }

  /**
   * Marks the endpoint available again at `now` (ms): starts its slow start and replaces its
   * latency estimate with `seedMs` (e.g. the cluster's median), so the failure penalty it
   * collected while down does not keep it out of a cost-based pick for tens of seconds.
   */
  recover(now: number, seedMs: number): void {
    this.recoveredAt = now;
    this.consecutiveFailures = 0;
    this.ewma = seedMs;
    this.ewmaStamp = now;
  }

  /** The measured state, with `share` = requests ÷ `clusterRequests`. */
  stats(now: number, clusterRequests: number): EndpointStats {
    return {
      origin: this.origin,
      tier: this.tier,
      weight: this.weight,
      healthy: this.healthy,
      ejected: this.ejected,
      ejections: this.ejections,
      inflight: this.inflight,
      ewmaMs: this.ewmaMs(now),
      requests: this.requests,
      failures: this.failures,
      latencySamples: this.latencySamples,
      latencyTotalMs: this.latencyTotalMs,
      share: clusterRequests === 0 ? 0 : this.requests / clusterRequests,
    };
  }

  private decay(now: number): number {
    return Math.exp(-Math.max(0, now - this.ewmaStamp) / this.decayMs);
  }

  private observe(rttMs: number, now: number): void {
    const w = this.decay(now);
    this.ewma = rttMs > this.ewma ? rttMs : this.ewma * w + rttMs * (1 - w);
    this.ewmaStamp = Math.max(this.ewmaStamp, now);
  }
}
