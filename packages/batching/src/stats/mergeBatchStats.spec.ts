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
  it('when there is no batcher, is all zero with ratio 1', () => {
    expect(mergeBatchStats([])).toMatchObject({ batchesSent: 0, meanBatchSize: 0, compressionRatio: 1 });
  });

  it('when ratios differ, is Σ wire ÷ Σ logical bytes, not a mean weighted by calls (regression)', () => {
    // 10 calls of 100 logical bytes sent as 10, 1 call of 10_000 bytes sent uncompressed.
    const small = stats({
      batchesSent: 1,
      callsSent: 10,
      compressionRatio: 0.1,
      bytesLogical: 100,
      bytesWire: 10,
    });
    const big = stats({
      batchesSent: 1,
      callsSent: 1,
      compressionRatio: 1,
      bytesLogical: 10_000,
      bytesWire: 10_000,
    });
    const merged = mergeBatchStats([small, big]);
    expect(merged.compressionRatio).toBeCloseTo(10_010 / 10_100, 12);
    expect(merged).toMatchObject({ bytesLogical: 10_100, bytesWire: 10_010 });
  });

  it('when several batchers report, sums counts, flush reasons and rates, and recomputes the mean size', () => {
    const a = stats({
      batchesSent: 2,
      callsSent: 10,
      deduplicated: 1,
      itemsPerSecond: 5,
      flushReasons: { size: 1, delay: 1, bytes: 0, priority: 0, close: 0 },
    });
    const b = stats({
      batchesSent: 3,
      callsSent: 5,
      deduplicated: 2,
      itemsPerSecond: 7,
      flushReasons: { size: 0, delay: 2, bytes: 0, priority: 1, close: 0 },
    });
    expect(mergeBatchStats([a, b])).toMatchObject({
      batchesSent: 5,
      callsSent: 15,
      meanBatchSize: 3,
      deduplicated: 3,
      itemsPerSecond: 12,
      flushReasons: { size: 1, delay: 3, bytes: 0, priority: 1, close: 0 },
    });
  });
});
