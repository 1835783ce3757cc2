import { metrics, pool, settings, snapshot } from '../test/snapshots';
import { poolSizeRule } from './poolSizeRule';

describe(poolSizeRule, () => {
  const rule = poolSizeRule({ maxConnections: 64, maxStep: 16 });

  describe('.propose()', () => {
    it('when requests queue with every connection busy, doubles the pool by at most maxStep', () => {
      const obs = {
        snapshot: snapshot({
          pools: [pool({ queued: 7, running: 4 })],
          overall: metrics({ throughput: 120 }),
        }),
      };
      expect(rule.propose(obs, settings({ connections: 4 }))).toMatchObject({
        change: { connections: 8 },
        previous: { connections: 4 },
        metric: 'throughput',
        before: 120,
      });
      const big = { snapshot: snapshot({ pools: [pool({ queued: 7, running: 40 })] }) };
      expect(rule.propose(big, settings({ connections: 40 }))?.change).toEqual({ connections: 56 });
    });

    it('when nothing queues, slots are free, or the pool is at maxConnections, does not trigger', () => {
      const queued = { snapshot: snapshot({ pools: [pool({ queued: 7, running: 64 })] }) };
      expect(
        rule.propose({ snapshot: snapshot({ pools: [pool({ running: 4 })] }) }, settings({ connections: 4 })),
      ).toBeUndefined();
      expect(rule.propose(queued, settings({ connections: 100 }))).toBeUndefined();
      expect(rule.propose(queued, settings({ connections: 64 }))).toBeUndefined();
    });
  });

  describe('.measure()', () => {
    it('when asked, reads the throughput over the snapshot window (higher is better)', () => {
      expect(rule.better).toBe('higher');
      expect(rule.measure({ snapshot: snapshot({ overall: metrics({ throughput: 42 }) }) })).toBe(42);
    });
  });
});
