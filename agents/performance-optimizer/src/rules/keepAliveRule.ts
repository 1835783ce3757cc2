import type { Observation, OptimizerRule } from './OptimizerRule';
import { sum, windowed } from './windowed';

/** Connection reuse over the window: 1 − connections created ÷ requests (1 without requests). */
function reuse(obs: Observation): number {
  const requests = windowed(obs, (s) => sum(s.pools, (p) => p.requests));
  const created = windowed(obs, (s) => sum(s.pools, (p) => p.connectionsCreated));
  return requests > 0 ? 1 - created / requests : 1;
}

/**
 * keep-alive. Trigger: at least `minRequests` in the window and reuse below `lowReuse`.
 * Change: keep-alive timeout doubled, capped at `maxKeepAliveMs` (keep it below the upstreams').
 * Target: connection reuse over the window (higher is better).
 */
export function keepAliveRule(bounds: {
  lowReuse: number;
  minRequests: number;
  maxKeepAliveMs: number;
}): OptimizerRule {
  return {
    name: 'keep-alive',
    metric: 'reuse',
    better: 'higher',
    measure: reuse,
    propose(obs, s) {
      const requests = windowed(obs, (snap) => sum(snap.pools, (p) => p.requests));
      const now = reuse(obs);
      if (
        requests < bounds.minRequests ||
        now >= bounds.lowReuse ||
        s.keepAliveTimeoutMs >= bounds.maxKeepAliveMs
      ) {
        return undefined;
      }
      return {
        rule: 'keep-alive',
        command: 'network.pooling.configure',
        change: { keepAliveTimeoutMs: Math.min(bounds.maxKeepAliveMs, s.keepAliveTimeoutMs * 2) },
        previous: { keepAliveTimeoutMs: s.keepAliveTimeoutMs },
        metric: 'reuse',
        before: now,
        reason: `reuse ${now.toFixed(3)} over ${requests} requests`,
      };
    },
  };
}
