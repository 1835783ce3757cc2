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

/** Two measurements of one workload and their ratios (candidate ÷ baseline). */
export interface NetworkBenchmarkResult {
  /** What was measured: target, requests, concurrency. */
  workload: { target: string; requests: number; concurrency: number };
  baseline: PerformanceMetrics & { label: string };
  candidate: PerformanceMetrics & { label: string };
  ratios: {
    /** candidate.throughput ÷ baseline.throughput. */
    throughput: number;
    /** candidate.latencyP99 ÷ baseline.latencyP99. */
    latencyP99: number;
    /** candidate.latency ÷ baseline.latency. */
    latency: number;
  };
  machine: MachineInfo;
}

/**
 * Result of `optimizeNetworkPerformance`: the workload measured before and after the
 * optimizations were applied, and what was applied.
 */
export interface NetworkOptimizationResult {
  /** Whether every optimization applied and the after-measurement completed. */
  success: boolean;
  /** (before.latency − after.latency) ÷ before.latency, a fraction; negative when worse. */
  overallImprovement: number;
  before: PerformanceMetrics;
  after: PerformanceMetrics;
  /** The after-measurement (the state the system is in now). */
  performanceMetrics: PerformanceMetrics;
  optimizations: {
    connectionPooling?: ConnectionPoolingResult;
    requestBatching?: RequestBatchingResult;
    loadBalancing?: LoadBalancingResult[];
    circuitBreaker?: CircuitBreakerResult;
    networkMonitoring?: NetworkMonitoringResult;
    advancedRouting?: AdvancedRoutingResult;
  };
}
