import type { BatchStats } from '@slipstream/contracts';
import { metrics, settings, snapshot } from '../test/snapshots';
import { batchWindowRule } from './batchWindowRule';
import type { Observation } from './OptimizerRule';

function batching(batchesSent: number, callsSent: number): BatchStats {
  return {
    batchesSent,
    callsSent,
    meanBatchSize: batchesSent > 0 ? callsSent / batchesSent : 0,
    flushReasons: { size: 0, delay: batchesSent, bytes: 0, priority: 0, close: 0 },
    deduplicated: 0,
    itemsPerSecond: 0,
    compressionRatio: 1,
  };
}

/** A window of `batches` batches carrying `calls` calls, at p99 latency `p99` ms against a 250 ms objective. */
function window(batches: number, calls: number, p99 = 50): Observation {
  return {
    previous: snapshot({ batching: batching(100, 150) }),
    snapshot: snapshot({
      batching: batching(100 + batches, 150 + calls),
      overall: metrics({ latencyP99: p99 }),
    }),
  };
}

describe(batchWindowRule, () => {
  const rule = batchWindowRule({ minBatches: 10, smallBatch: 2, stepMs: 2, maxDelayMs: 20 });

  describe('.propose()', () => {
    it('when batches are small and latency leaves room, widens the flush delay by one step', () => {
      expect(rule.propose(window(20, 24), settings({ maxDelayMs: 2 }))).toMatchObject({
        command: 'network.batching.configure',
        change: { maxDelayMs: 4 },
        previous: { maxDelayMs: 2 },
        metric: 'meanBatchSize',
        before: 1.2,
      });
    });

    it('when batches are big enough, too few, or latency leaves no room, does not trigger', () => {
      expect(rule.propose(window(20, 60), settings())).toBeUndefined();
      expect(rule.propose(window(5, 5), settings())).toBeUndefined();
      expect(rule.propose(window(20, 24, 247), settings())).toBeUndefined();
    });

    it('when the sidecar does not report the flush delay in force, does not trigger', () => {
      expect(rule.propose(window(20, 24), settings({ maxDelayMs: undefined }))).toBeUndefined();
    });

    it('when a step would pass maxDelayMs, caps it there; at the cap, does not trigger', () => {
      expect(rule.propose(window(20, 24), settings({ maxDelayMs: 19 }))?.change).toEqual({ maxDelayMs: 20 });
      expect(rule.propose(window(20, 24), settings({ maxDelayMs: 20 }))).toBeUndefined();
    });
  });

  describe('.measure()', () => {
    it('when asked, measures calls per batch over the window (higher is better)', () => {
      expect(rule.metric).toBe('meanBatchSize');
      expect(rule.better).toBe('higher');
      expect(rule.measure(window(10, 35))).toBe(3.5);
      expect(rule.measure(window(0, 0))).toBe(0);
    });
  });
});
