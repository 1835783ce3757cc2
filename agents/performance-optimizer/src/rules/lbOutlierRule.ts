import type { OptimizerRule } from './OptimizerRule';

const P2C = 'p2c-peak-ewma';

/**
 * lb-algorithm. Trigger: a cluster not on `p2c-peak-ewma` has an endpoint whose latency estimate
 * is above `outlierFactor` × the median of the others. Change: the cluster's algorithm to
 * `p2c-peak-ewma` (which steers around slow endpoints). Target: the cluster's p99 latency
 * (lower is better). Bounded by construction: one switch per cluster.
 */
export function lbOutlierRule(bounds: { outlierFactor: number }): OptimizerRule {
  const outlierCluster = (clusters: Parameters<OptimizerRule['propose']>[0]['clusters']) =>
    clusters.find((c) => {
      if (c.algorithm === P2C || c.endpoints.length < 2) return false;
      const ewma = c.endpoints.map((e) => e.ewmaMs).sort((a, b) => a - b);
      const slowest = ewma.pop()!;
      const median = ewma[Math.floor(ewma.length / 2)]!;
      return median > 0 && slowest > bounds.outlierFactor * median;
    });
  let target: string | undefined;
  return {
    name: 'lb-algorithm',
    metric: 'clusterLatencyP99',
    better: 'lower',
    measure: (obs) => (target ? (obs.snapshot.clusters[target]?.metrics.latencyP99 ?? 0) : 0),
    propose(obs) {
      const cluster = outlierCluster(obs.clusters);
      if (!cluster) return undefined;
      target = cluster.cluster;
      return {
        rule: 'lb-algorithm',
        command: 'network.balancing.configure',
        change: { cluster: cluster.cluster, algorithm: P2C },
        previous: { cluster: cluster.cluster, algorithm: cluster.algorithm },
        metric: 'clusterLatencyP99',
        before: obs.snapshot.clusters[cluster.cluster]?.metrics.latencyP99 ?? 0,
        reason: `an endpoint of ${cluster.cluster} is an outlier on ${cluster.algorithm}`,
      };
    },
  };
}
