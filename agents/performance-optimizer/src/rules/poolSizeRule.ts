import type { OptimizerRule } from './OptimizerRule';

/**
 * pool-size. Trigger: an origin has requests queued while its connections are all busy
 * (running ≥ connections × pipelining). Change: connections doubled, by at most `maxStep`,
 * capped at `maxConnections`. Target: requests queued over all pools (lower is better), a
 * gauge, so verification averages it over the verification snapshots.
 */
export function poolSizeRule(bounds: { maxConnections: number; maxStep: number }): OptimizerRule {
  const queued = (pools: readonly { queued: number }[]): number =>
    pools.reduce((sum, p) => sum + p.queued, 0);
  return {
    name: 'pool-size',
    metric: 'queued',
    better: 'lower',
    gauge: true,
    measure: (obs) => queued(obs.snapshot.pools),
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
        metric: 'queued',
        before: queued(obs.snapshot.pools),
        reason: `${saturated.queued} queued at ${saturated.origin} with all ${limit} connection slots busy`,
      };
    },
  };
}
