import type {
  AttemptObservation,
  ObservedAttempt,
  ObservedRequest,
  ObservedResult,
  OutcomeKind,
  RequestObservation,
  RequestObserver,
} from '@slipstream/contracts';
import { OUTCOME_KINDS } from '@slipstream/contracts';
import { ConfigError } from '@slipstream/contracts';
import { LabelTree } from './LabelTree';
import { LATENCY_BUCKETS_MS, latencyBucketIndex } from './LATENCY_BUCKETS_MS';

/** Options of `RequestMetrics`. */
export interface RequestMetricsOptions {
  /**
   * Most label sets per metric family (latency by cluster/route/endpoint, requests by
   * cluster/route/class); further ones are counted under `_overflow` labels. Defaults to 1_000.
   */
  maxSeries?: number;
}

/** Defaults of `RequestMetricsOptions`. */
export const REQUEST_METRICS_DEFAULTS = Object.freeze({ maxSeries: 1_000 });

/** The endpoint label of a request that reached no endpoint (shed, open circuit, no route). */
export const NO_ENDPOINT_LABEL = '(none)';

/** The index of each outcome kind in the per-outcome arrays. */
const OUTCOME_INDEX: Readonly<Record<OutcomeKind, number>> = Object.freeze(
  Object.fromEntries(OUTCOME_KINDS.map((kind, i) => [kind, i])) as Record<OutcomeKind, number>,
);

/** Buckets per outcome: the fixed bounds and `+Inf`. */
const SLOTS = LATENCY_BUCKETS_MS.length + 1;

/** Latencies of one (cluster, route, endpoint), per outcome kind: non-cumulative bucket counts, sums and counts. */
export class LatencySeries {
  /** Bucket counts (not cumulative), `SLOTS` per outcome, in `OUTCOME_KINDS` order. */
  readonly buckets = new Float64Array(OUTCOME_KINDS.length * SLOTS);
  /** Sum of latencies per outcome, ms. */
  readonly sumMs = new Float64Array(OUTCOME_KINDS.length);
  /** Requests per outcome. */
  readonly count = new Float64Array(OUTCOME_KINDS.length);

  constructor(
    readonly cluster: string,
    readonly route: string,
    readonly endpoint: string,
  ) {}

  /** Records one request's latency under its outcome. */
  record(outcome: number, ms: number): void {
    this.buckets[outcome * SLOTS + latencyBucketIndex(ms)]! += 1;
    this.sumMs[outcome]! += ms;
    this.count[outcome]! += 1;
  }
}

/** Requests of one (cluster, route, QoS class): started, and finished per outcome kind. */
export class ClassSeries {
  /** Requests that entered the pipeline. */
  started = 0;
  /** Finished requests per outcome, in `OUTCOME_KINDS` order. */
  readonly outcomes = new Float64Array(OUTCOME_KINDS.length);

  constructor(
    readonly cluster: string,
    readonly route: string,
    readonly qosClass: string,
  ) {}
}

/** Retries and hedges sent for one cluster. */
export interface AttemptCounts {
  retries: number;
  hedges: number;
}

const NO_ATTEMPT_WORK: AttemptObservation = Object.freeze({ finished: () => undefined });

/** One request on its way, as `RequestMetrics` watches it. */
class Watched implements RequestObservation {
  /** It reads the attempt's headers, never adds to them. */
  readonly addsHeaders = false;

  constructor(
    private readonly metrics: RequestMetrics,
    private readonly request: ObservedRequest,
    private readonly series: ClassSeries,
  ) {}

  admitted(): void {}

  attemptStarted(attempt: ObservedAttempt): AttemptObservation {
    if (attempt.reason !== 'first') this.metrics.countAttempt(this.request.cluster, attempt.reason);
    return NO_ATTEMPT_WORK;
  }

  finished(result: ObservedResult): void {
    const outcome = OUTCOME_INDEX[result.outcome];
    this.series.outcomes[outcome]! += 1;
    const { cluster, route } = this.request;
    this.metrics.latency
      .get(cluster, route, result.endpoint ?? NO_ENDPOINT_LABEL)
      .record(outcome, result.durationMs);
  }
}

/**
 * A `RequestObserver` that counts what the Prometheus exporter exposes from the request path:
 * latency histograms per (cluster, route, endpoint, outcome kind) in the fixed
 * `LATENCY_BUCKETS_MS`, requests per (cluster, route, class) started and finished by outcome
 * kind, and retries and hedges per cluster. Recording is a few array increments; the exposition
 * is built at scrape time. Label sets are bounded by `maxSeries`.
 */
export class RequestMetrics implements RequestObserver {
  /** Latency series by (cluster, route, endpoint). */
  readonly latency: LabelTree<LatencySeries>;
  /** Request series by (cluster, route, class). */
  readonly classes: LabelTree<ClassSeries>;
  /** Retries and hedges by cluster. */
  readonly attempts = new Map<string, AttemptCounts>();

  constructor(options: RequestMetricsOptions = {}) {
    const maxSeries = options.maxSeries ?? REQUEST_METRICS_DEFAULTS.maxSeries;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
      throw new ConfigError([
        { path: 'prometheus.maxSeries', expected: 'an integer ≥ 1', received: String(options.maxSeries) },
      ]);
    }
    this.latency = new LabelTree(maxSeries, (c, r, e) => new LatencySeries(c, r, e));
    this.classes = new LabelTree(maxSeries, (c, r, q) => new ClassSeries(c, r, q));
  }

  requestStarted(request: ObservedRequest): RequestObservation {
    const series = this.classes.get(request.cluster, request.route, request.qosClass);
    series.started += 1;
    return new Watched(this, request, series);
  }

  /** Counts a retry or a hedge of `cluster`. */
  countAttempt(cluster: string, reason: 'retry' | 'hedge'): void {
    let counts = this.attempts.get(cluster);
    if (!counts) this.attempts.set(cluster, (counts = { retries: 0, hedges: 0 }));
    if (reason === 'retry') counts.retries += 1;
    else counts.hedges += 1;
  }
}
