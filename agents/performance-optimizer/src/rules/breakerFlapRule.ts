import type { Observation, OptimizerRule } from './OptimizerRule';
import { sum, windowed } from './windowed';

const opens = (obs: Observation): number => windowed(obs, (s) => sum(s.breakers, (b) => b.opens));

/**
 * breaker-flap. Trigger: breakers opened at least `flapOpens` times in the window. Change:
 * reset timeout and volume threshold doubled, capped at `maxResetMs` and `maxVolume`. Target:
 * breaker opens per window (lower is better).
 */
export function breakerFlapRule(bounds: {
  flapOpens: number;
  maxResetMs: number;
  maxVolume: number;
}): OptimizerRule {
  return {
    name: 'breaker-flap',
    metric: 'breakerOpens',
    better: 'lower',
    measure: opens,
    propose(obs, s) {
      const now = opens(obs);
      if (
        now < bounds.flapOpens ||
        (s.resetTimeoutMs >= bounds.maxResetMs && s.volumeThreshold >= bounds.maxVolume)
      ) {
        return undefined;
      }
      return {
        rule: 'breaker-flap',
        command: 'network.breaker.configure',
        change: {
          resetTimeoutMs: Math.min(bounds.maxResetMs, s.resetTimeoutMs * 2),
          volumeThreshold: Math.min(bounds.maxVolume, s.volumeThreshold * 2),
        },
        previous: { resetTimeoutMs: s.resetTimeoutMs, volumeThreshold: s.volumeThreshold },
        metric: 'breakerOpens',
        before: now,
        reason: `breakers opened ${now} times in the window`,
      };
    },
  };
}
