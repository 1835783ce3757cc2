import type { AlertEvent, BreakerState, OutcomeKind } from '@slipstream/contracts';
import { OUTCOME_KINDS } from '@slipstream/contracts';
import type { MetricsRegistry } from '../registry/MetricsRegistry';
import type { RequestMetrics } from '../export/RequestMetrics';

/** One cluster on the dashboard. */
export interface DashboardCluster {
  name: string;
  /** Requests finished since start (the page turns successive values into requests per second). */
  requests: number;
  /** Requests finished since start per outcome kind (the page turns them into error rates). */
  outcomes: Record<OutcomeKind, number>;
  /** Median and p99 latency over the registry's sliding window, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Requests on the wire now. */
  inflight: number;
}

/** One endpoint of a cluster on the dashboard. */
export interface DashboardEndpoint {
  cluster: string;
  origin: string;
  healthy: boolean;
  ejected: boolean;
  breaker: BreakerState;
  /** Peak-EWMA latency estimate, ms. */
  ewmaMs: number;
  inflight: number;
}

/** One QoS class on the dashboard. */
export interface DashboardClass {
  name: string;
  admitted: number;
  queued: number;
  shed: number;
}

/** What the dashboard's server-sent events carry, read from the monitor's registry. */
export interface DashboardState {
  timestamp: number;
  /** The window p50/p99 cover, ms. */
  windowMs: number;
  clusters: DashboardCluster[];
  endpoints: DashboardEndpoint[];
  classes: DashboardClass[];
  /** Alerts firing now. */
  alerts: AlertEvent[];
}

const noOutcomes = (): Record<OutcomeKind, number> =>
  Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<OutcomeKind, number>;

/**
 * The dashboard's figures now: per cluster requests and outcomes since start (from the
 * `RequestMetrics` observer, else requests from the registry's series), windowed p50/p99 and
 * in-flight; per endpoint health, ejection, breaker state (of that cluster) and latency estimate;
 * QoS classes; firing alerts.
 */
export function dashboardState(
  registry: MetricsRegistry,
  requests: RequestMetrics | undefined,
  firing: () => AlertEvent[],
): DashboardState {
  const byName = new Map<string, DashboardCluster>();
  const cluster = (name: string): DashboardCluster => {
    let c = byName.get(name);
    if (!c) {
      const perf = registry.performance(name);
      c = {
        name,
        requests: 0,
        outcomes: noOutcomes(),
        p50Ms: perf.latencyP50,
        p99Ms: perf.latencyP99,
        inflight: 0,
      };
      byName.set(name, c);
    }
    return c;
  };
  if (requests) {
    for (const s of requests.classes.all()) {
      const c = cluster(s.cluster);
      OUTCOME_KINDS.forEach((kind, i) => {
        c.outcomes[kind] += s.outcomes[i]!;
        c.requests += s.outcomes[i]!;
      });
    }
  } else {
    for (const s of registry.allSeries()) cluster(s.labels.cluster).requests += s.requests;
  }
  const breakers = registry.breakers();
  const endpoints: DashboardEndpoint[] = [];
  for (const stats of registry.clusters()) {
    const c = cluster(stats.cluster);
    for (const e of stats.endpoints) {
      c.inflight += e.inflight;
      const breaker = breakers.find((b) => b.endpoint === e.origin && b.cluster === stats.cluster);
      endpoints.push({
        cluster: stats.cluster,
        origin: e.origin,
        healthy: e.healthy,
        ejected: e.ejected,
        breaker: breaker?.state ?? 'closed',
        ewmaMs: e.ewmaMs,
        inflight: e.inflight,
      });
    }
  }
  const classes = Object.entries(registry.routing()?.classes ?? {}).map(([name, c]) => ({
    name,
    admitted: c.admitted,
    queued: c.queued,
    shed: c.shed,
  }));
  return {
    timestamp: Date.now(),
    windowMs: registry.windowMs,
    clusters: [...byName.values()],
    endpoints,
    classes,
    alerts: firing(),
  };
}
