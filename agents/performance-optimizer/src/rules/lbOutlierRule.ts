import type { ClusterStats, NetworkMetricsSnapshot } from '@slipstream/contracts';
import type { OptimizerRule } from './OptimizerRule';

const P2C = 'p2c-peak-ewma';

/**
 * The first cluster off P2C that carried requests in the snapshot's window and whose slowest
 * endpoint's EWMA exceeds `factor` × the median of the others. An idle cluster's estimates are
 * stale and its p99 unmeasurable, so it motivates nothing.
 */
function outlierCluster(snapshot: NetworkMetricsSnapshot, factor: number): ClusterStats | undefined {
  return (snapshot.balancing ?? []).find((c) => {
    if (c.algorithm === P2C || c.endpoints.length < 2) return false;
    if ((snapshot.clusters[c.cluster]?.metrics.requests ?? 0) === 0) return false;
    const ewma = c.endpoints.map((e) => e.ewmaMs).sort((a, b) => a - b);
    const slowest = ewma.pop()!;
    const median = ewma[Math.floor(ewma.length / 2)]!;
    return median > 0 && slowest > factor * median;
  });
}

/** p99 latency of one cluster in the snapshot's window, ms (0 when it recorded none). */
function clusterP99(snapshot: NetworkMetricsSnapshot, cluster: string): number {
  return snapshot.clusters[cluster]?.metrics.latencyP99 ?? 0;
}

/**
 * lb-algorithm. Trigger: in `snapshot.balancing`, a cluster not on `p2c-peak-ewma` that carried
 * requests in the window has an
 * endpoint whose latency estimate is above `outlierFactor` × the median of the others. Change:
 * the cluster's algorithm to `p2c-peak-ewma` (which steers around slow endpoints). Target: that
 * cluster's p99 latency (lower is better); without a proposal, the highest cluster p99. Bounded
 * by construction: one switch per cluster, and a cluster on P2C never triggers.
 */
export function lbOutlierRule(bounds: { outlierFactor: number }): OptimizerRule {
  return {
    name: 'lb-algorithm',
    metric: 'clusterLatencyP99',
    better: 'lower',
    measure(obs, proposal) {
      const cluster = proposal?.change.cluster;
      if (typeof cluster === 'string') return clusterP99(obs.snapshot, cluster);
      return Math.max(0, ...Object.keys(obs.snapshot.clusters).map((c) => clusterP99(obs.snapshot, c)));
    },
    propose(obs) {
      const cluster = outlierCluster(obs.snapshot, bounds.outlierFactor);
      if (!cluster) return undefined;
      return {
        rule: 'lb-algorithm',
        command: 'network.balancing.configure',
        change: { cluster: cluster.cluster, algorithm: P2C },
        previous: { cluster: cluster.cluster, algorithm: cluster.algorithm },
        metric: 'clusterLatencyP99',
        before: clusterP99(obs.snapshot, cluster.cluster),
        reason: `an endpoint of ${cluster.cluster} is an outlier on ${cluster.algorithm}`,
      };
    },
  };
}
