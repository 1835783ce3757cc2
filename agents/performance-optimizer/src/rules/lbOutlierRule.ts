import type { ClusterStats, EndpointStats, NetworkMetricsSnapshot } from '@slipstream/contracts';
import type { Observation, OptimizerRule } from './OptimizerRule';

const P2C = 'p2c-peak-ewma';

/**
 * Mean answer time of `endpoint` between the previous snapshot and this one (since start
 * without a previous one), ms; undefined when it answered nothing in that window. The balancer's
 * peak-EWMA estimate is not used: it decays toward zero between samples, so a 10× spread reads
 * as about 2×.
 */
function windowLatency(
  e: EndpointStats,
  cluster: string,
  previous?: NetworkMetricsSnapshot,
): number | undefined {
  const prior = previous?.balancing
    ?.find((c) => c.cluster === cluster)
    ?.endpoints.find((p) => p.origin === e.origin);
  const samples = e.latencySamples - (prior?.latencySamples ?? 0);
  const totalMs = e.latencyTotalMs - (prior?.latencyTotalMs ?? 0);
  return samples > 0 ? totalMs / samples : undefined;
}

/**
 * The first cluster off P2C that carried requests in the snapshot's window and whose slowest
 * endpoint's mean answer time in the window exceeds `factor` × the median of the others. An
 * idle cluster's figures are stale and its p99 unmeasurable, so it motivates nothing.
 */
function outlierCluster({ snapshot, previous }: Observation, factor: number): ClusterStats | undefined {
  return (snapshot.balancing ?? []).find((c) => {
    if (c.algorithm === P2C || c.endpoints.length < 2) return false;
    if ((snapshot.clusters[c.cluster]?.metrics.requests ?? 0) === 0) return false;
    const latency = c.endpoints.map((e) => windowLatency(e, c.cluster, previous));
    if (latency.some((l) => l === undefined)) return false;
    const sorted = (latency as number[]).sort((a, b) => a - b);
    const slowest = sorted.pop()!;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return median > 0 && slowest > factor * median;
  });
}

/** p99 latency of one cluster in the snapshot's window, ms (0 when it recorded none). */
function clusterP99(snapshot: NetworkMetricsSnapshot, cluster: string): number {
  return snapshot.clusters[cluster]?.metrics.latencyP99 ?? 0;
}

/**
 * lb-algorithm. Trigger: in `snapshot.balancing`, a cluster not on `p2c-peak-ewma` that carried
 * requests in the window has an endpoint whose mean answer time in the window is above
 * `outlierFactor` × the median of the others (every endpoint answered in the window). Change:
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
      const cluster = outlierCluster(obs, bounds.outlierFactor);
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
