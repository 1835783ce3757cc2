import type { Observation, OptimizerRule } from './OptimizerRule';
import { sum, windowed } from './windowed';

const opens = (obs: Observation): number => windowed(obs, (s) => sum(s.breakers, (b) => b.opens));

/**
 * breaker-flap. Trigger: breakers opened at least `flapOpens` times in the window. Change:
 * reset timeout and volume threshold doubled, capped at `maxResetMs` and `maxVolume` (never lowered); only
 * when the sidecar reports both in force. Target:
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
    propose(obs, { resetTimeoutMs, volumeThreshold }) {
      const now = opens(obs);
      if (
        resetTimeoutMs === undefined ||
        volumeThreshold === undefined ||
        now < bounds.flapOpens ||
        (resetTimeoutMs >= bounds.maxResetMs && volumeThreshold >= bounds.maxVolume)
      ) {
        return undefined;
      }
      return {
        rule: 'breaker-flap',
        command: 'network.breaker.configure',
        change: {
          resetTimeoutMs: Math.max(resetTimeoutMs, Math.min(bounds.maxResetMs, resetTimeoutMs * 2)),
          volumeThreshold: Math.max(volumeThreshold, Math.min(bounds.maxVolume, volumeThreshold * 2)),
        },
        previous: { resetTimeoutMs, volumeThreshold },
        metric: 'breakerOpens',
        before: now,
        reason: `breakers opened ${now} times in the window`,
      };
    },
  };
}
