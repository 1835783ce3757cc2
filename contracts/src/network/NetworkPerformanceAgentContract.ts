import type { Agent } from '../agent';
import type {
  AdvancedRoutingConfig,
  CircuitBreakerConfig,
  ConnectionPoolingConfig,
  LoadBalancingConfig,
  NetworkBenchmarkOptions,
  NetworkMonitoringConfig,
  RequestBatchingConfig,
} from './configs';
import type {
  AdvancedRoutingResult,
  CircuitBreakerResult,
  ConnectionPoolingResult,
  LoadBalancingResult,
  NetworkBenchmarkResult,
  NetworkMonitoringResult,
  NetworkOptimizationResult,
  RequestBatchingResult,
} from './results';

/**
 * The sidecar through which every agent's outbound traffic flows. Each `implement*`
 * validates its config (invalid → `ConfigError`, old config kept), applies it to the live
 * pipeline and returns what is in force plus that capability's measured stats.
 */
export interface NetworkPerformanceAgentContract extends Agent {
  implementConnectionPooling(config: ConnectionPoolingConfig): Promise<ConnectionPoolingResult>;
  implementRequestBatching(config: RequestBatchingConfig): Promise<RequestBatchingResult>;
  implementLoadBalancing(config: LoadBalancingConfig): Promise<LoadBalancingResult>;
  implementCircuitBreaker(config: CircuitBreakerConfig): Promise<CircuitBreakerResult>;
  implementNetworkMonitoring(config: NetworkMonitoringConfig): Promise<NetworkMonitoringResult>;
  implementAdvancedRouting(config: AdvancedRoutingConfig): Promise<AdvancedRoutingResult>;
  /** Measures a workload, applies the optimizations, measures the same workload again. */
  optimizeNetworkPerformance(): Promise<NetworkOptimizationResult>;
  /** A bounded before/after measurement against the configured targets. */
  benchmarkNetworkPerformance(options?: NetworkBenchmarkOptions): Promise<NetworkBenchmarkResult>;
}
