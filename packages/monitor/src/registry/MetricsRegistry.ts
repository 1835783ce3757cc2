import { inject, injectable, optional } from 'inversify';
import { ConfigError, OUTCOME_KINDS, type OutcomeKind } from '@slipstream/contracts';
import type {
  BatchStats,
  BreakerStats,
  ClusterStats,
  Disposer,
  HealthScore,
  NetworkMetricsSnapshot,
  PerformanceMetrics,
  PoolStats,
  RoutingStats,
} from '@slipstream/contracts';
import { SlidingWindow, type WindowTotals } from '../histogram/SlidingWindow';
import { computeHealthScore } from '../health/computeHealthScore';
import { MONITOR_TOKENS } from '../tokens';
import { CoarseClock } from './CoarseClock';
import type { RequestOutcome, SeriesLabels } from './RequestOutcome';
import { RequestSeries, type MeasurementCounter } from './RequestSeries';
import type { StatsSourceKind, StatsSources } from './StatsSources';

/** Options of the `MetricsRegistry`. */
export interface MetricsRegistryOptions {
  /** Latency objective the health score is measured against, ms. Defaults to 250 ms. */
  sloLatencyMs?: number;
  /** Sliding window for rates, percentiles and health, ms. Defaults to 60_000 ms. */
  windowMs?: number;
  /** Slots of the sliding window (it slides by windowMs ÷ slots). Defaults to 6. */
  windowSlots?: number;
  /** The clock, ms since the epoch. Defaults to `Date.now`. */
  clock?: () => number;
  /** How stale the record path's time may be, ms; 0 reads the clock per request. Defaults to 50 ms. */
  clockResolutionMs?: number;
}

const DEFAULTS = Object.freeze({
  sloLatencyMs: 250,
  windowMs: 60_000,
  windowSlots: 6,
  clock: () => Date.now(),
  clockResolutionMs: 50,
});

/** Throws a `ConfigError` naming `sloLatencyMs` unless it is a finite number of ms > 0. */
function checkSloLatencyMs(sloLatencyMs: number): void {
  if (!Number.isFinite(sloLatencyMs) || sloLatencyMs <= 0) {
    throw new ConfigError([
      { path: 'sloLatencyMs', expected: 'a number of ms > 0', received: String(sloLatencyMs) },
    ]);
  }
}

type SeriesTree = Map<string, Map<string, Map<string, Map<string, RequestSeries>>>>;

/**
 * The metrics the pipeline feeds: per (cluster, endpoint, route, QoS class) series of
 * requests, errors by kind, bytes and latency, a sliding window per cluster (summed for overall),
 * and gauges read from registered sources. `metricsCollected` counts each measurement
 * recorded: per request, the request itself, its latency, its error (if any) and each
 * byte figure reported.
 */
@injectable()
export class MetricsRegistry {
  #sloLatencyMs: number;
  #windowMs: number;
  private readonly windowSlots: number;
  private readonly clock: () => number;
  private readonly tree: SeriesTree = new Map();
  private readonly seriesList: RequestSeries[] = [];
  /** A window nothing records into: the base of the overall totals and the stand-in for an idle cluster. */
  private readonly idleWindow: SlidingWindow;
  private readonly clusterWindows = new Map<string, SlidingWindow>();
  /** When every window started: the registry's creation, or the last window-length change. */
  private windowsStartedAt: number;
  private readonly sources: Partial<StatsSources> = {};
  private readonly measurements: MeasurementCounter = { value: 0 };
  private readonly recordClock: CoarseClock;

  constructor(
    @inject(MONITOR_TOKENS.MetricsRegistryOptions) @optional() options: MetricsRegistryOptions = {},
  ) {
    this.#sloLatencyMs = options.sloLatencyMs ?? DEFAULTS.sloLatencyMs;
    this.#windowMs = options.windowMs ?? DEFAULTS.windowMs;
    this.windowSlots = options.windowSlots ?? DEFAULTS.windowSlots;
    this.clock = options.clock ?? DEFAULTS.clock;
    const resolutionMs = options.clockResolutionMs ?? DEFAULTS.clockResolutionMs;
    if (!Number.isFinite(resolutionMs) || resolutionMs < 0) {
      throw new ConfigError([
        {
          path: 'clockResolutionMs',
          expected: 'a number of ms ≥ 0',
          received: String(options.clockResolutionMs),
        },
      ]);
    }
    this.recordClock = new CoarseClock(this.clock, resolutionMs);
    checkSloLatencyMs(this.#sloLatencyMs);
    this.windowsStartedAt = this.clock();
    this.idleWindow = this.newWindow();
  }

  /** Latency objective the health score is measured against, ms. */
  get sloLatencyMs(): number {
    return this.#sloLatencyMs;
  }

  /** Sliding window length, ms. */
  get windowMs(): number {
    return this.#windowMs;
  }

  /**
   * Sets the latency objective, ms, from the next health score on; the windows are kept.
   * Throws a `ConfigError` naming `sloLatencyMs` (and keeps the old one) unless it is > 0.
   */
  setSloLatencyMs(sloLatencyMs: number): void {
    checkSloLatencyMs(sloLatencyMs);
    this.#sloLatencyMs = sloLatencyMs;
  }

  /**
   * Sets the sliding window's length, ms. A change resets every sliding window (overall and per
   * cluster): rates, percentiles and health restart from an empty window, because slots of the
   * old length cannot be re-cut. Counters since start (`metricsCollected`, the series' totals)
   * are kept; setting the length in force changes nothing. Throws a `ConfigError` naming
   * `windowMs` (and keeps the old one) unless it is > 0.
   */
  setWindowMs(windowMs: number): void {
    SlidingWindow.checkWindowMs(windowMs);
    if (windowMs === this.#windowMs) return;
    this.#windowMs = windowMs;
    const now = this.clock();
    this.windowsStartedAt = now;
    this.idleWindow.reset(now, windowMs);
    for (const window of this.clusterWindows.values()) window.reset(now, windowMs);
  }

  /** Measurements recorded since start (see the class comment for what one is). */
  get metricsCollected(): number {
    return this.measurements.value;
  }

  /** Records one request outcome. O(1) and allocation-free once its series exists. */
  recordRequest(outcome: RequestOutcome): void {
    this.series(outcome).record(outcome);
  }

  /**
   * The series of a label set, created on first use. The pipeline may keep it and call
   * `record` itself to skip the lookup.
   */
  series(labels: SeriesLabels): RequestSeries {
    // Plain gets (no closures) keep the lookup free of allocations once the series exists.
    const series = this.tree
      .get(labels.cluster)
      ?.get(labels.endpoint)
      ?.get(labels.route)
      ?.get(labels.qosClass);
    return series ?? this.createSeries(labels);
  }

  private createSeries(labels: SeriesLabels): RequestSeries {
    const { cluster, endpoint, route, qosClass } = labels;
    let byEndpoint = this.tree.get(cluster);
    if (!byEndpoint)
      this.tree.set(cluster, (byEndpoint = new Map<string, Map<string, Map<string, RequestSeries>>>()));
    let byRoute = byEndpoint.get(endpoint);
    if (!byRoute) byEndpoint.set(endpoint, (byRoute = new Map<string, Map<string, RequestSeries>>()));
    let byClass = byRoute.get(route);
    if (!byClass) byRoute.set(route, (byClass = new Map<string, RequestSeries>()));
    let clusterWindow = this.clusterWindows.get(cluster);
    if (!clusterWindow) this.clusterWindows.set(cluster, (clusterWindow = this.newWindow()));
    const series = new RequestSeries(
      { cluster, endpoint, route, qosClass },
      clusterWindow,
      this.measurements,
      this.recordClock,
    );
    byClass.set(qosClass, series);
    this.seriesList.push(series);
    return series;
  }

  /** Drops the record clock's pending timer. Recording after `close` still works. */
  close(): void {
    this.recordClock.close();
  }

  /** Every series recorded so far. */
  allSeries(): readonly RequestSeries[] {
    return this.seriesList;
  }

  /** Clusters that have recorded traffic. */
  clusterNames(): string[] {
    return [...this.clusterWindows.keys()];
  }

  /** Registers (or replaces) the provider of one kind of gauge. The disposer removes it. */
  registerSource<K extends StatsSourceKind>(kind: K, provider: StatsSources[K]): Disposer {
    this.sources[kind] = provider;
    return () => {
      if (this.sources[kind] === provider) delete this.sources[kind];
    };
  }

  /** Connection pool stats from the registered source; empty without one. */
  pools(): PoolStats[] {
    return this.sources.pools?.() ?? [];
  }

  /** Breaker stats from the registered source; empty without one. */
  breakers(): BreakerStats[] {
    return this.sources.breakers?.() ?? [];
  }

  /** Cluster stats from the registered source; empty without one. */
  clusters(): ClusterStats[] {
    return this.sources.clusters?.() ?? [];
  }

  /** Batcher stats, when a source is registered. */
  batching(): BatchStats | undefined {
    return this.sources.batching?.();
  }

  /** Router and QoS stats, when a source is registered. */
  routing(): RoutingStats | undefined {
    return this.sources.routing?.();
  }

  /**
   * Totals of the sliding window of one cluster, or of all traffic when `cluster` is
   * omitted. The object is reused by the next call on the same window.
   */
  windowTotals(cluster?: string): WindowTotals {
    const now = this.clock();
    if (cluster !== undefined) return (this.clusterWindows.get(cluster) ?? this.idleWindow).totals(now);
    // Overall = the sum of the cluster windows, so a request is recorded into one window only.
    const totals = this.idleWindow.totals(now);
    for (const window of this.clusterWindows.values()) window.addTo(now, totals);
    return totals;
  }

  /** Windowed performance of one cluster, or of all traffic. A cluster without traffic reads as idle. */
  performance(cluster?: string): PerformanceMetrics {
    const totals = this.windowTotals(cluster);
    const { requests, errors, latency, durationMs } = totals;
    const errorRate = requests > 0 ? errors / requests : 0;
    return {
      latency: latency.mean,
      latencyP50: latency.percentile(50),
      latencyP99: latency.percentile(99),
      throughput: requests / (durationMs / 1_000),
      errorRate,
      outcomes: outcomeCounts(totals.outcomes),
      availability: 1 - errorRate,
      efficiency: this.efficiency(cluster),
      requests,
      durationMs,
    };
  }

  /** The health score of one cluster, or overall (see `computeHealthScore` for the formula). */
  health(cluster?: string): HealthScore {
    const totals = this.windowTotals(cluster);
    return computeHealthScore({
      requests: totals.requests,
      errors: totals.errors,
      latencyP99Ms: totals.latency.percentile(99),
      sloLatencyMs: this.#sloLatencyMs,
      saturation: this.saturation(cluster),
    });
  }

  /** Everything measured now, as the `network.metrics.snapshot` payload. */
  snapshot(): NetworkMetricsSnapshot {
    const clusters: NetworkMetricsSnapshot['clusters'] = {};
    for (const name of this.clusterNames()) {
      clusters[name] = { metrics: this.performance(name), health: this.health(name) };
    }
    const snapshot: NetworkMetricsSnapshot = {
      timestamp: this.clock(),
      windowMs: this.#windowMs,
      overall: this.performance(),
      health: this.health(),
      clusters,
      pools: this.pools(),
      breakers: this.breakers(),
      metricsCollected: this.metricsCollected,
    };
    const balancing = this.sources.clusters?.();
    if (balancing) snapshot.balancing = balancing;
    const batching = this.batching();
    if (batching) snapshot.batching = batching;
    const routing = this.routing();
    if (routing) snapshot.routing = routing;
    return snapshot;
  }

  /** A window started with the others (not at its first request), so its rates share their time base. */
  private newWindow(): SlidingWindow {
    return new SlidingWindow(this.windowsStartedAt, { windowMs: this.#windowMs, slots: this.windowSlots });
  }

  /** 1 − connections created ÷ requests over the pools of a cluster's endpoints (all pools overall); 0 without data. */
  private efficiency(cluster: string | undefined): number {
    const origins = cluster === undefined ? undefined : this.originsOf(cluster);
    let created = 0;
    let requests = 0;
    for (const pool of this.pools()) {
      if (origins && !origins.has(pool.origin)) continue;
      created += pool.connectionsCreated;
      requests += pool.requests;
    }
    return requests > 0 ? Math.max(0, 1 - created / requests) : 0;
  }

  /** In-flight ÷ adaptive concurrency limit, from the cluster and routing sources; 0 without a limit. */
  private saturation(cluster: string | undefined): number {
    const limits = this.routing()?.concurrencyLimits ?? {};
    let inflight = 0;
    let limit = 0;
    for (const stats of this.clusters()) {
      if (cluster !== undefined && stats.cluster !== cluster) continue;
      const clusterLimit = limits[stats.cluster];
      if (clusterLimit === undefined || clusterLimit <= 0) continue;
      limit += clusterLimit;
      for (const endpoint of stats.endpoints) inflight += endpoint.inflight;
    }
    return limit > 0 ? inflight / limit : 0;
  }

  private originsOf(cluster: string): Set<string> {
    const origins = new Set<string>();
    for (const stats of this.clusters()) {
      if (stats.cluster === cluster) for (const endpoint of stats.endpoints) origins.add(endpoint.origin);
    }
    // Without a cluster source, the cluster's endpoints are those it recorded traffic to.
    if (origins.size === 0) {
      for (const series of this.seriesList)
        if (series.labels.cluster === cluster) origins.add(series.labels.endpoint);
    }
    return origins;
  }
}

/** The window's requests per outcome kind, as a record. */
function outcomeCounts(counts: Float64Array): Record<OutcomeKind, number> {
  const out = {} as Record<OutcomeKind, number>;
  OUTCOME_KINDS.forEach((kind, i) => (out[kind] = counts[i]!));
  return out;
}
