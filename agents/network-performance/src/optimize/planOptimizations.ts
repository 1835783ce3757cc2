import type { ConnectionPoolingConfig, NetworkMonitoringConfig } from '@slipstream/contracts';
import type { ClientClusterConfig } from '@slipstream/client';

/** The balancer's default and the algorithm the plan moves clusters to. */
const P2C = 'p2c-peak-ewma' as const;

/** What `planOptimizations` reads: the workload and the settings in force. */
export interface OptimizationInput {
  /** Requests in flight at once in the measured workload. */
  concurrency: number;
  /** Pool settings in force. */
  pool: Readonly<Required<ConnectionPoolingConfig>>;
  /** Cluster configs in force. */
  clusters: readonly ClientClusterConfig[];
  /** Monitoring settings in force. */
  monitoring: NetworkMonitoringConfig;
  /** Snapshot period used when snapshots are off, ms. */
  defaultSnapshotIntervalMs: number;
}

/** The changes `optimizeNetworkPerformance` applies. */
export interface OptimizationPlan {
  pooling: ConnectionPoolingConfig;
  /** Clusters whose balancing changes (only those). */
  balancing: ClientClusterConfig[];
  monitoring: NetworkMonitoringConfig;
}

/**
 * The optimizations, derived from the settings in force and the workload:
 * - pooling: at least as many connections per origin as the workload keeps in flight (no
 *   request waits at the connection limit), one request per connection, keep-alive kept;
 * - balancing: clusters of two or more endpoints not yet on `p2c-peak-ewma` switch to it
 *   (the others are left alone, so their learned latency estimates survive);
 * - monitoring: snapshots on (the given default period) when they were off.
 * Breakers and batching are (re)applied as configured by the caller, not changed here.
 */
export function planOptimizations(input: OptimizationInput): OptimizationPlan {
  return {
    pooling: {
      connections: Math.max(input.pool.connections, input.concurrency),
      pipelining: 1,
    },
    balancing: input.clusters
      .filter((c) => (c.endpoints?.length ?? 0) > 1 && (c.algorithm ?? P2C) !== P2C)
      .map((c) => ({ ...c, algorithm: P2C })),
    monitoring:
      input.monitoring.snapshotIntervalMs === 0
        ? { snapshotIntervalMs: input.defaultSnapshotIntervalMs }
        : {},
  };
}
