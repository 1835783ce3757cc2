import type { BatchStats, FlushReason } from '@slipstream/contracts';
import { SlidingRate } from './SlidingRate';

/** Counts what a batcher sends and settles, and reports it as `BatchStats`. */
export class BatchStatsCollector {
  private batchesSent = 0;
  private callsSent = 0;
  private deduplicated = 0;
  private logicalBytes = 0;
  private wireBytes = 0;
  private readonly flushReasons: Record<FlushReason, number> = {
    size: 0,
    delay: 0,
    bytes: 0,
    priority: 0,
    close: 0,
  };
  private readonly settled: SlidingRate;

  constructor(windowMs: number, now: number) {
    this.settled = new SlidingRate(windowMs, now);
  }

  /** Changes the window over which `itemsPerSecond` is measured, ms; a new length restarts it at `now`. */
  setWindow(windowMs: number, now: number): void {
    this.settled.setWindow(windowMs, now);
  }

  /** A batch of `calls` calls was handed to the sender. */
  recordBatch(calls: number, reason: FlushReason, logicalBytes: number, wireBytes: number): void {
    this.batchesSent += 1;
    this.callsSent += calls;
    this.flushReasons[reason] += 1;
    this.logicalBytes += logicalBytes;
    this.wireBytes += wireBytes;
  }

  /** A call joined an identical queued or in-flight call instead of being sent. */
  recordDeduplicated(): void {
    this.deduplicated += 1;
  }

  /** A call settled (resolved or rejected) at `now`. */
  recordSettled(now: number): void {
    this.settled.add(now);
  }

  /** The figures so far. */
  snapshot(now: number): BatchStats {
    return {
      batchesSent: this.batchesSent,
      callsSent: this.callsSent,
      meanBatchSize: this.batchesSent === 0 ? 0 : this.callsSent / this.batchesSent,
      flushReasons: { ...this.flushReasons },
      deduplicated: this.deduplicated,
      itemsPerSecond: this.settled.perSecond(now),
      compressionRatio: this.logicalBytes === 0 ? 1 : this.wireBytes / this.logicalBytes,
      bytesLogical: this.logicalBytes,
      bytesWire: this.wireBytes,
    };
  }
}
