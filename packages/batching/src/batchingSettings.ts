import type { RequestBatchingConfig } from '@slipstream/contracts';
import type { ResolvedBatcherOptions } from './RequestBatcherOptions';

/**
 * Resolved batcher options as the contract's `RequestBatchingConfig`: every batching setting in
 * force, defaults included. `maxBatchBytes` is omitted while it is unlimited, since `Infinity`
 * does not survive JSON on the bus; `statsWindowMs` is a setting of the stats, not of batching.
 */
export function batchingSettings(options: ResolvedBatcherOptions): RequestBatchingConfig {
  const settings: RequestBatchingConfig = {
    maxBatchSize: options.maxBatchSize,
    maxDelayMs: options.maxDelayMs,
    maxInFlightBatches: options.maxInFlightBatches,
    dedupe: options.dedupe,
    compression: options.compression,
    compressionThresholdBytes: options.compressionThresholdBytes,
    timeoutMs: options.timeoutMs,
  };
  if (Number.isFinite(options.maxBatchBytes)) settings.maxBatchBytes = options.maxBatchBytes;
  return settings;
}
