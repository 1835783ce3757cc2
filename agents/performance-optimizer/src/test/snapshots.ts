import type {
  BreakerStats,
  ClusterStats,
  EndpointStats,
  NetworkMetricsSnapshot,
  PerformanceMetrics,
  PoolStats,
} from '@slipstream/contracts';
import type { Settings } from '../rules/OptimizerRule';

/** Performance figures with every field 0, overridden by `over`. */
export function metrics(over: Partial<PerformanceMetrics> = {}): PerformanceMetrics {
  return {
    latency: 0,
    latencyP50: 0,
    latencyP99: 0,
    throughput: 0,
    errorRate: 0,
    availability: 1,
    efficiency: 1,
    requests: 0,
    durationMs: 1_000,
    ...over,
  };
}

/** A pool of `origin` with every counter 0, overridden by `over`. */
export function pool(over: Partial<PoolStats> = {}): PoolStats {
  return {
    origin: 'http://a',
    requests: 0,
    connectionsCreated: 0,
    connectionsOpen: 0,
    reuseRate: 1,
    connectTimeMeanMs: 0,
    connectTimeP99Ms: 0,
    queued: 0,
    running: 0,
    pending: 0,
    bytesOutLogical: 0,
    bytesOutWire: 0,
    bytesInLogical: 0,
    bytesInWire: 0,
    ...over,
  };
}

/** A closed breaker of `endpoint` that opened `opens` times. */
export function breaker(endpoint: string, opens: number): BreakerStats {
  return {
    endpoint,
    state: 'closed',
    successes: 0,
    failures: 0,
    timeouts: 0,
    rejects: 0,
    fallbacks: 0,
    opens,
    halfOpens: opens,
    closes: opens,
  };
}

/**
 * A cluster on `algorithm` whose endpoints answered 100 requests each in these mean times, ms
 * (their P2C estimates are left flat at 1 ms, which the rules must not read).
 */
export function balancedCluster(
  cluster: string,
  algorithm: ClusterStats['algorithm'],
  latencyMs: readonly number[],
): ClusterStats {
  const endpoints = latencyMs.map((latency, i): EndpointStats => ({
    origin: `http://${cluster}-${i}`,
    tier: 0,
    weight: 1,
    healthy: true,
    ejected: false,
    inflight: 0,
    ewmaMs: 1,
    requests: 100,
    failures: 0,
    latencySamples: 100,
    latencyTotalMs: 100 * latency,
    share: 1 / latencyMs.length,
  }));
  return { cluster, algorithm, endpoints, panic: false, activeTier: 0 };
}

/** A snapshot with no traffic, a 250 ms objective, overridden by `over`. */
export function snapshot(over: Partial<NetworkMetricsSnapshot> = {}): NetworkMetricsSnapshot {
  return {
    timestamp: 0,
    windowMs: 60_000,
    overall: metrics(),
    health: { score: 100, availability: 1, latencyP99Ms: 0, sloLatencyMs: 250, saturation: 0 },
    clusters: {},
    pools: [],
    breakers: [],
    metricsCollected: 0,
    ...over,
  };
}

/** Settings as a sidecar with the batching and resilience defaults reports them, overridden by `over`. */
export function settings(over: Partial<Settings> = {}): Settings {
  return {
    connections: 10,
    pipelining: 1,
    keepAliveTimeoutMs: 1_000,
    maxDelayMs: 2,
    volumeThreshold: 5,
    resetTimeoutMs: 60_000,
    ...over,
  };
}
