import type {
  AdvancedRoutingConfig,
  CircuitBreakerConfig,
  ConnectionPoolingConfig,
  LoadBalancingConfig,
  NetworkMonitoringConfig,
  RequestBatchingConfig,
} from './configs';
import type {
  BatchStats,
  BreakerStats,
  ClusterStats,
  HealthScore,
  PerformanceMetrics,
  PoolStats,
  RoutingStats,
} from './metrics';
import type { AbVerdict, PairedComparison } from './pairedComparison';

/** Result of `implementConnectionPooling`: the settings in force and measured pool stats. */
export interface ConnectionPoolingResult {
  applied: Required<ConnectionPoolingConfig>;
  pools: PoolStats[];
}

/** Result of `implementRequestBatching`. */
export interface RequestBatchingResult {
  applied: RequestBatchingConfig;
  stats: BatchStats;
}

/** Result of `implementLoadBalancing`. */
export interface LoadBalancingResult {
  applied: LoadBalancingConfig;
  stats: ClusterStats;
}

/** Result of `implementCircuitBreaker`. */
export interface CircuitBreakerResult {
  applied: CircuitBreakerConfig;
  breakers: BreakerStats[];
}

/** Result of `implementNetworkMonitoring`. */
export interface NetworkMonitoringResult {
  applied: NetworkMonitoringConfig;
  health: HealthScore;
  metrics: PerformanceMetrics;
  /** Measurements recorded since start, counted. */
  metricsCollected: number;
  alertsFired: number;
  /** Where the admin server listens, when enabled. */
  adminUrl?: string;
}

/** Result of `implementAdvancedRouting`. */
export interface AdvancedRoutingResult {
  applied: AdvancedRoutingConfig;
  stats: RoutingStats;
}

/** The machine a measurement ran on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
}

/**
 * One workload measured on a baseline and a candidate in interleaved pairs of blocks, and their
 * ratios (candidate ÷ baseline), each the median of the per-pair ratios with its paired range.
 */
export interface NetworkBenchmarkResult {
  /** What was measured: target, requests per side (split over the blocks), concurrency. */
  workload: { target: string; requests: number; concurrency: number };
  /** The baseline block with the median goodput. */
  baseline: PerformanceMetrics & { label: string };
  /** The candidate block with the median goodput. */
  candidate: PerformanceMetrics & { label: string };
  /** Medians of the per-pair ratios, candidate ÷ baseline. */
  ratios: {
    throughput: number;
    latencyP99: number;
    latency: number;
  };
  /** Each ratio's interval [low, high] as `comparePaired` gives it (the median's sign-test interval; the paired range up to 8 pairs). */
  ranges: {
    throughput: [number, number];
    latencyP99: [number, number];
    latency: [number, number];
  };
  /** Pairs of blocks compared. */
  pairs: number;
  machine: MachineInfo;
}

/** One origin's pool as sampled while the probe workload ran. */
export interface PoolQueueing {
  origin: string;
  /** Requests the pool may hold in flight now (connections × pipelining). */
  limit: number;
  /** Samples taken. */
  samples: number;
  /** Share of samples in which at least one request waited for a slot, 0..1. */
  queuedShare: number;
  /** Mean requests waiting for a slot over the samples. */
  queuedMean: number;
  /** Mean requests in flight ÷ `limit` over the samples, 0..1. */
  saturation: number;
  /** Most requests in flight plus waiting in one sample: the demand on this origin. */
  peakDemand: number;
}

/** One endpoint's traffic during the probe workload (counter differences over the pass). */
export interface EndpointMeasurement {
  cluster: string;
  origin: string;
  requests: number;
  failures: number;
  /** failures ÷ requests (0 without requests). */
  errorRate: number;
  /** The balancer's peak-EWMA round-trip estimate at the end of the pass, ms. */
  ewmaMs: number;
  /** Mean round trip of the endpoint's answers during the pass, ms (0 without answers). */
  latencyMs: number;
  /**
   * Mean round trip of its answers in each of `LATENCY_SLICES` equal spans of the pass's time,
   * in order, ms; null for a span with no answer. Two endpoints compared span by span tell a
   * lasting difference from one burst (a GC pause, a cold connection) that moved a mean.
   */
  sliceLatencyMs: (number | null)[];
}

/**
 * What `network.optimize` measured on the running system while its probe workload ran: the
 * workload's figures, the pools sampled every few milliseconds, and the differences of the
 * pipeline's counters over the pass (traffic of other agents at the same time included).
 */
export interface SystemMeasurement {
  workload: PerformanceMetrics;
  pools: PoolQueueing[];
  endpoints: EndpointMeasurement[];
  /** Breaker transitions during the pass, per breaker that had any. */
  breakers: { endpoint: string; cluster?: string; opens: number; closes: number }[];
  /** Per QoS class: admitted, shed and of those shed the queue timeouts and the rate-limited, during the pass. */
  qos: { class: string; admitted: number; shed: number; timedOut: number; rateLimited: number }[];
  /** Per cluster with a batcher: batches and calls sent during the pass. */
  batching: { cluster: string; batches: number; calls: number; meanBatchSize: number }[];
}

/** A setting `network.optimize` proposes to change, and the measurement that motivates it. */
export interface PlannedChange {
  /** The setting, e.g. `pool.connections` or `cluster.api.algorithm`. */
  setting: string;
  from: number | string;
  to: number | string;
  motivation: {
    /** The measurement, e.g. `pool.queuedShare http://127.0.0.1:4100`. */
    measurement: string;
    /** Its measured value. */
    value: number;
    /** The threshold it crossed. */
    threshold: number;
    /** How `value` stands to `threshold` for the change to be motivated: at or above, or below it. */
    comparator: '≥' | '<';
    /** The finding in words. */
    finding: string;
  };
}

/**
 * Result of `optimizeNetworkPerformance`. The plan comes from `measurement`; when it is empty
 * nothing is changed, no A/B runs and no improvement is claimed (`verdict` 'nothing to change').
 * Otherwise the old and the new settings run in interleaved blocks of the same workload
 * (`comparison`: median of the paired ratios of goodput and its interval); the plan stays in
 * force only when `improved`, and is reverted otherwise.
 */
export interface NetworkOptimizationResult {
  /** Whether every planned change applied (and, unless improved, reverted) without an error. */
  success: boolean;
  measurement: SystemMeasurement;
  plan: PlannedChange[];
  /** The A/B comparison; absent when the plan is empty. */
  comparison?: PairedComparison;
  /** The A/B verdict, or 'nothing to change' for an empty plan. */
  verdict: AbVerdict | 'nothing to change';
  /** Whether the plan's settings are in force now (applied and not reverted). */
  applied: boolean;
  /** The A/B blocks' figures, in the order they ran; empty when no A/B ran. */
  blocks: { settings: 'old' | 'new'; metrics: PerformanceMetrics }[];
  /** The probe workload's figures (`measurement.workload`): the system as it was found. */
  performanceMetrics: PerformanceMetrics;
}
