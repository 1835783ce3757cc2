import { z } from 'zod';
import { compression, count, ms, positiveInt, positiveMs } from './primitives';

/** `RequestBatchingConfig`: the JSON-RPC batcher (units and defaults in contracts). */
export const batchingSchema = z.strictObject({
  maxBatchSize: positiveInt.optional(),
  maxDelayMs: ms.optional(),
  maxBatchBytes: positiveInt.optional(),
  maxInFlightBatches: positiveInt.optional(),
  dedupe: z.boolean().optional(),
  compression: compression.optional(),
  compressionThresholdBytes: count.optional(),
  timeoutMs: positiveMs.optional(),
});

/** A `RequestBatcher`'s own options: the batching config plus its stats window; `maxBatchBytes` may be `Infinity` (no limit) in code. */
export const batcherOptionsSchema = batchingSchema.extend({
  maxBatchBytes: positiveInt.or(z.literal(Infinity)).optional(),
  statsWindowMs: positiveMs.optional(),
});
