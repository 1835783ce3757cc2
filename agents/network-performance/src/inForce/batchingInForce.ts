import type { RequestBatchingConfig } from '@slipstream/contracts';
import { resolveBatcherOptions } from '@slipstream/batching';

/**
 * Every batching setting in force: the settings given so far over the batching package's own
 * defaults (read from `resolveBatcherOptions`, never restated here). `maxBatchBytes` is omitted
 * while it is unlimited, since `Infinity` does not survive JSON on the bus.
 */
export function batchingInForce(given: RequestBatchingConfig): RequestBatchingConfig {
  const resolved = resolveBatcherOptions(given);
  const applied: RequestBatchingConfig = {
    maxBatchSize: resolved.maxBatchSize,
    maxDelayMs: resolved.maxDelayMs,
    maxInFlightBatches: resolved.maxInFlightBatches,
    dedupe: resolved.dedupe,
    compression: resolved.compression,
    compressionThresholdBytes: resolved.compressionThresholdBytes,
    timeoutMs: resolved.timeoutMs,
  };
  if (Number.isFinite(resolved.maxBatchBytes)) applied.maxBatchBytes = resolved.maxBatchBytes;
  return applied;
}
