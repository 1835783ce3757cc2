import type { BatchStats, FlushReason } from '@slipstream/contracts';

const REASONS: readonly FlushReason[] = ['size', 'delay', 'bytes', 'priority', 'close'];

/**
 * The stats of several batchers (one per cluster, say) as one: counts, flush reasons, byte
 * sums and `itemsPerSecond` summed; `meanBatchSize` = Σ callsSent ÷ Σ batchesSent;
 * `compressionRatio` = Σ bytesWire ÷ Σ bytesLogical, as the contract defines it (1 when no
 * byte was sent). A stats object without byte sums adds nothing to the ratio. All zero
 * (ratio 1) for an empty list.
 */
export function mergeBatchStats(stats: readonly BatchStats[]): BatchStats {
  const total: BatchStats = {
    batchesSent: 0,
    callsSent: 0,
    meanBatchSize: 0,
    flushReasons: { size: 0, delay: 0, bytes: 0, priority: 0, close: 0 },
    deduplicated: 0,
    itemsPerSecond: 0,
    compressionRatio: 1,
    bytesLogical: 0,
    bytesWire: 0,
  };
  let bytesLogical = 0;
  let bytesWire = 0;
  for (const s of stats) {
    total.batchesSent += s.batchesSent;
    total.callsSent += s.callsSent;
    total.deduplicated += s.deduplicated;
    total.itemsPerSecond += s.itemsPerSecond;
    bytesLogical += s.bytesLogical ?? 0;
    bytesWire += s.bytesWire ?? 0;
    for (const reason of REASONS) total.flushReasons[reason] += s.flushReasons[reason];
  }
  total.bytesLogical = bytesLogical;
  total.bytesWire = bytesWire;
  if (total.batchesSent > 0) total.meanBatchSize = total.callsSent / total.batchesSent;
  if (bytesLogical > 0) total.compressionRatio = bytesWire / bytesLogical;
  return total;
}
