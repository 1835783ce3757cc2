import { pool, settings, snapshot } from '../test/snapshots';
import type { Observation } from './OptimizerRule';
import { keepAliveRule } from './keepAliveRule';

/** A window of `requests` requests that opened `created` connections. */
function window(requests: number, created: number): Observation {
  return {
    previous: snapshot({ pools: [pool({ requests: 1_000, connectionsCreated: 100 })] }),
    snapshot: snapshot({
      pools: [pool({ requests: 1_000 + requests, connectionsCreated: 100 + created })],
    }),
  };
}

describe(keepAliveRule, () => {
  const rule = keepAliveRule({ lowReuse: 0.5, minRequests: 50, maxKeepAliveMs: 4_500 });

  describe('.propose()', () => {
    it('when reuse over the window is low, doubles the keep-alive', () => {
      expect(rule.propose(window(100, 80), settings({ keepAliveTimeoutMs: 1_000 }))).toMatchObject({
        command: 'network.pooling.configure',
        change: { keepAliveTimeoutMs: 2_000 },
        previous: { keepAliveTimeoutMs: 1_000 },
        metric: 'reuse',
        before: expect.closeTo(0.2, 5) as number,
      });
    });

    it('when reuse is high, too few requests were made, or there is no previous snapshot, does not trigger', () => {
      expect(rule.propose(window(100, 10), settings())).toBeUndefined();
      expect(rule.propose(window(40, 40), settings())).toBeUndefined();
      expect(rule.propose({ snapshot: window(100, 80).snapshot }, settings())).toBeUndefined();
    });

    it('when doubling would pass maxKeepAliveMs, caps it there; at the cap, does not trigger', () => {
      expect(rule.propose(window(100, 80), settings({ keepAliveTimeoutMs: 3_000 }))?.change).toEqual({
        keepAliveTimeoutMs: 4_500,
      });
      expect(rule.propose(window(100, 80), settings({ keepAliveTimeoutMs: 4_500 }))).toBeUndefined();
    });
  });

  describe('.measure()', () => {
    it('when asked, measures connection reuse over the window (higher is better)', () => {
      expect(rule.metric).toBe('reuse');
      expect(rule.better).toBe('higher');
      expect(rule.measure(window(100, 25))).toBeCloseTo(0.75, 5);
      expect(rule.measure(window(0, 0))).toBe(1);
    });
  });
});
