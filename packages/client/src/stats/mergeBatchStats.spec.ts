import type { BatchStats } from '@slipstream/contracts';
import { mergeBatchStats } from './mergeBatchStats';

function stats(partial: Partial<BatchStats>): BatchStats {
  return {
    batchesSent: 0,
    callsSent: 0,
    meanBatchSize: 0,
    flushReasons: { size: 0, delay: 0, bytes: 0, priority: 0, close: 0 },
    deduplicated: 0,
    itemsPerSecond: 0,
    compressionRatio: 1,
    ...partial,
  };
}

describe(mergeBatchStats, () => {
  it('when there is no batcher, reports zeros and a ratio of 1', () => {
    expect(mergeBatchStats([])).toEqual(stats({}));
  });

  it('when two batchers report, sums the counts and weights the ratios', () => {
    const a = stats({
      batchesSent: 2,
      callsSent: 20,
      meanBatchSize: 10,
      flushReasons: { size: 2, delay: 0, bytes: 0, priority: 0, close: 0 },
      deduplicated: 1,
      itemsPerSecond: 5,
      compressionRatio: 0.5,
    });
    const b = stats({
      batchesSent: 6,
      callsSent: 10,
      meanBatchSize: 10 / 6,
      flushReasons: { size: 0, delay: 5, bytes: 0, priority: 1, close: 0 },
      deduplicated: 2,
      itemsPerSecond: 3,
      compressionRatio: 1,
    });
    const merged = mergeBatchStats([a, b]);
    expect(merged).toMatchObject({
      batchesSent: 8,
      callsSent: 30,
      flushReasons: { size: 2, delay: 5, bytes: 0, priority: 1, close: 0 },
      deduplicated: 3,
      itemsPerSecond: 8,
    });
    expect(merged.meanBatchSize).toBeCloseTo(30 / 8, 12);
    expect(merged.compressionRatio).toBeCloseTo((0.5 * 20 + 1 * 10) / 30, 12);
  });
});
