import { batcherOptionsSchema, parseConfig } from '@slipstream/config';
import type { RequestBatchingConfig } from '@slipstream/contracts';

/**
 * Settings of one `RequestBatcher`: the contract's `RequestBatchingConfig` (each field's default
 * and unit is documented there and filled from `DEFAULTS` below) plus the stats window.
 * Every field is optional; omitted ones keep their value.
 */
export interface RequestBatcherOptions extends RequestBatchingConfig {
  /** Window over which `itemsPerSecond` is measured, ms. Defaults to 10_000 ms. */
  statsWindowMs?: number;
}

/** Batcher options with every default filled in. */
export type ResolvedBatcherOptions = Readonly<Required<RequestBatcherOptions>>;

/** The defaults of `RequestBatcherOptions`. */
export const DEFAULTS: ResolvedBatcherOptions = Object.freeze({
  maxBatchSize: 10,
  maxDelayMs: 2,
  maxBatchBytes: Infinity,
  maxInFlightBatches: 16,
  dedupe: false,
  compression: 'none',
  compressionThresholdBytes: 1_024,
  timeoutMs: 30_000,
  statsWindowMs: 10_000,
});

/**
 * Validates `options` (`batcherOptionsSchema` of `@slipstream/config`: unknown keys refused,
 * each field's type and range) and fills the omitted fields from `base`. Throws a
 * `ConfigError` naming every bad field as `batching.<field>`, what it expects and what it received.
 */
export function resolveBatcherOptions(
  options: RequestBatcherOptions,
  base: ResolvedBatcherOptions = DEFAULTS,
): ResolvedBatcherOptions {
  parseConfig(batcherOptionsSchema, options, ['batching']);
  return Object.freeze({
    maxBatchSize: options.maxBatchSize ?? base.maxBatchSize,
    maxDelayMs: options.maxDelayMs ?? base.maxDelayMs,
    maxBatchBytes: options.maxBatchBytes ?? base.maxBatchBytes,
    maxInFlightBatches: options.maxInFlightBatches ?? base.maxInFlightBatches,
    dedupe: options.dedupe ?? base.dedupe,
    compression: options.compression ?? base.compression,
    compressionThresholdBytes: options.compressionThresholdBytes ?? base.compressionThresholdBytes,
    timeoutMs: options.timeoutMs ?? base.timeoutMs,
    statsWindowMs: options.statsWindowMs ?? base.statsWindowMs,
  });
}
