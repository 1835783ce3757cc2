import type { Observation, OptimizerRule } from './OptimizerRule';

/**
 * pool-size. Trigger: an origin has requests queued while its connections are all busy
 * (running ≥ connections × pipelining). Change: connections doubled, by at most `maxStep`,
 * capped at `maxConnections`. Target: requests completed per second over the snapshot window
 * (higher is better) — what waiting for a connection costs, where the queue length at one
 * instant swings with the arrival of each request.
 */
export function poolSizeRule(bounds: { maxConnections: number; maxStep: number }): OptimizerRule {
  const throughput = (obs: Observation): number => obs.snapshot.overall.throughput;
  return {
    name: 'pool-size',
    metric: 'throughput',
    better: 'higher',
    measure: throughput,
    propose(obs, s) {
      const limit = s.connections * s.pipelining;
      const saturated = obs.snapshot.pools.find((p) => p.queued > 0 && p.running >= limit);
      if (!saturated || s.connections >= bounds.maxConnections) return undefined;
      const next = Math.min(bounds.maxConnections, s.connections + Math.min(s.connections, bounds.maxStep));
      return {
        rule: 'pool-size',
        command: 'network.pooling.configure',
        change: { connections: next },
        previous: { connections: s.connections },
        metric: 'throughput',
        before: throughput(obs),
        reason: `${saturated.queued} queued at ${saturated.origin} with all ${limit} connection slots busy`,
      };
    },
  };
}
