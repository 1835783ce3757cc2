import type { BatchStats } from '@slipstream/contracts';

/**
 * The `BatchStats` of several batchers as one: counts, flush reasons and rates are summed;
 * `meanBatchSize` is calls ÷ batches over all of them; `compressionRatio` is the mean of the
 * batchers' ratios weighted by the calls each sent (`BatchStats` carries no byte counts, so
 * calls stand in for bytes). With no batcher, every figure is 0 and the ratio 1.
 */
export function mergeBatchStats(all: Iterable<BatchStats>): BatchStats {
  const merged: BatchStats = {
    batchesSent: 0,
    callsSent: 0,
    meanBatchSize: 0,
    flushReasons: { size: 0, delay: 0, bytes: 0, priority: 0, close: 0 },
    deduplicated: 0,
    itemsPerSecond: 0,
    compressionRatio: 1,
  };
  let weightedRatio = 0;
  for (const s of all) {
    merged.batchesSent += s.batchesSent;
    merged.callsSent += s.callsSent;
    merged.deduplicated += s.deduplicated;
    merged.itemsPerSecond += s.itemsPerSecond;
    for (const reason of Object.keys(merged.flushReasons) as (keyof BatchStats['flushReasons'])[]) {
      merged.flushReasons[reason] += s.flushReasons[reason];
    }
    weightedRatio += s.compressionRatio * s.callsSent;
  }
  if (merged.batchesSent > 0) merged.meanBatchSize = merged.callsSent / merged.batchesSent;
  if (merged.callsSent > 0) merged.compressionRatio = weightedRatio / merged.callsSent;
  return merged;
}
