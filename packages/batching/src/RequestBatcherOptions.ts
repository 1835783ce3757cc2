import {
  ConfigError,
  type CompressionAlgorithm,
  type ConfigIssue,
  type RequestBatchingConfig,
} from '@slipstream/contracts';

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

const COMPRESSIONS: readonly CompressionAlgorithm[] = ['none', 'gzip', 'br'];

function render(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Fills the omitted fields of `options` from `base` and validates the result.
 * Throws a `ConfigError` naming every bad field, what it expects and what it received.
 */
export function resolveBatcherOptions(
  options: RequestBatcherOptions,
  base: ResolvedBatcherOptions = DEFAULTS,
): ResolvedBatcherOptions {
  const resolved: ResolvedBatcherOptions = {
    maxBatchSize: options.maxBatchSize ?? base.maxBatchSize,
    maxDelayMs: options.maxDelayMs ?? base.maxDelayMs,
    maxBatchBytes: options.maxBatchBytes ?? base.maxBatchBytes,
    maxInFlightBatches: options.maxInFlightBatches ?? base.maxInFlightBatches,
    dedupe: options.dedupe ?? base.dedupe,
    compression: options.compression ?? base.compression,
    compressionThresholdBytes: options.compressionThresholdBytes ?? base.compressionThresholdBytes,
    timeoutMs: options.timeoutMs ?? base.timeoutMs,
    statsWindowMs: options.statsWindowMs ?? base.statsWindowMs,
  };
  const issues: ConfigIssue[] = [];
  const check = (field: keyof RequestBatcherOptions, ok: boolean, expected: string): void => {
    if (!ok) issues.push({ path: `batching.${field}`, expected, received: render(resolved[field]) });
  };
  const isInt = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  check('maxBatchSize', isInt(resolved.maxBatchSize, 1), 'an integer >= 1');
  check(
    'maxDelayMs',
    Number.isFinite(resolved.maxDelayMs) && resolved.maxDelayMs >= 0,
    'a finite number >= 0 (ms)',
  );
  check(
    'maxBatchBytes',
    resolved.maxBatchBytes === Infinity || isInt(resolved.maxBatchBytes, 1),
    'an integer >= 1 (bytes) or Infinity',
  );
  check('maxInFlightBatches', isInt(resolved.maxInFlightBatches, 1), 'an integer >= 1');
  check('dedupe', typeof resolved.dedupe === 'boolean', 'a boolean');
  check('compression', COMPRESSIONS.includes(resolved.compression), "'none', 'gzip' or 'br'");
  check('compressionThresholdBytes', isInt(resolved.compressionThresholdBytes, 0), 'an integer >= 0 (bytes)');
  check(
    'timeoutMs',
    Number.isFinite(resolved.timeoutMs) && resolved.timeoutMs > 0,
    'a finite number > 0 (ms)',
  );
  check(
    'statsWindowMs',
    Number.isFinite(resolved.statsWindowMs) && resolved.statsWindowMs > 0,
    'a finite number > 0 (ms)',
  );
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(resolved);
}
