import type { BatchStats } from '@slipstream/contracts';

/**
 * The batch stats of several batchers (one per cluster) as one: counts summed, the mean batch
 * size and the compression ratio recomputed from the sums (the ratio weighted by calls sent).
 * All zero (ratio 1) when there is no batcher yet.
 */
export function sumBatchStats(stats: readonly BatchStats[]): BatchStats {
  const total: BatchStats = {
    batchesSent: 0,
    callsSent: 0,
    meanBatchSize: 0,
    flushReasons: { size: 0, delay: 0, bytes: 0, priority: 0, close: 0 },
    deduplicated: 0,
    itemsPerSecond: 0,
    compressionRatio: 1,
  };
  let weightedRatio = 0;
  for (const s of stats) {
    total.batchesSent += s.batchesSent;
    total.callsSent += s.callsSent;
    total.deduplicated += s.deduplicated;
    total.itemsPerSecond += s.itemsPerSecond;
    weightedRatio += s.compressionRatio * s.callsSent;
    for (const reason of Object.keys(total.flushReasons) as (keyof BatchStats['flushReasons'])[]) {
      total.flushReasons[reason] += s.flushReasons[reason];
    }
  }
  if (total.batchesSent > 0) total.meanBatchSize = total.callsSent / total.batchesSent;
  if (total.callsSent > 0) total.compressionRatio = weightedRatio / total.callsSent;
  return total;
}
