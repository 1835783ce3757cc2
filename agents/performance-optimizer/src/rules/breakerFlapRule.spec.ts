import { breaker, settings, snapshot } from '../test/snapshots';
import { breakerFlapRule } from './breakerFlapRule';
import type { Observation } from './OptimizerRule';

/** A window in which two breakers opened `a` and `b` times. */
function window(a: number, b: number): Observation {
  return {
    previous: snapshot({ breakers: [breaker('http://a', 1), breaker('http://b', 0)] }),
    snapshot: snapshot({ breakers: [breaker('http://a', 1 + a), breaker('http://b', b)] }),
  };
}

describe(breakerFlapRule, () => {
  const rule = breakerFlapRule({ flapOpens: 3, maxResetMs: 300_000, maxVolume: 100 });

  describe('.propose()', () => {
    it('when breakers opened flapOpens times in the window, doubles reset timeout and volume', () => {
      expect(
        rule.propose(window(2, 2), settings({ resetTimeoutMs: 60_000, volumeThreshold: 5 })),
      ).toMatchObject({
        command: 'network.breaker.configure',
        change: { resetTimeoutMs: 120_000, volumeThreshold: 10 },
        previous: { resetTimeoutMs: 60_000, volumeThreshold: 5 },
        metric: 'breakerOpens',
        before: 4,
      });
    });

    it('when breakers opened fewer times or there is no previous snapshot, does not trigger', () => {
      expect(rule.propose(window(1, 1), settings())).toBeUndefined();
      expect(rule.propose({ snapshot: window(5, 5).snapshot }, settings())).toBeUndefined();
    });

    it('when the sidecar does not report the breaker settings in force, does not trigger', () => {
      expect(rule.propose(window(2, 2), settings({ resetTimeoutMs: undefined }))).toBeUndefined();
      expect(rule.propose(window(2, 2), settings({ volumeThreshold: undefined }))).toBeUndefined();
    });

    it('when doubling would pass the caps, caps there, never lowers, and at both caps does not trigger', () => {
      expect(
        rule.propose(window(3, 0), settings({ resetTimeoutMs: 200_000, volumeThreshold: 80 }))?.change,
      ).toEqual({ resetTimeoutMs: 300_000, volumeThreshold: 100 });
      expect(
        rule.propose(window(3, 0), settings({ resetTimeoutMs: 400_000, volumeThreshold: 5 }))?.change,
      ).toEqual({ resetTimeoutMs: 400_000, volumeThreshold: 10 });
      expect(
        rule.propose(window(3, 0), settings({ resetTimeoutMs: 300_000, volumeThreshold: 100 })),
      ).toBeUndefined();
    });
  });

  describe('.measure()', () => {
    it('when asked, counts breaker opens over the window (lower is better)', () => {
      expect(rule.metric).toBe('breakerOpens');
      expect(rule.better).toBe('lower');
      expect(rule.measure(window(2, 3))).toBe(5);
    });
  });
});
