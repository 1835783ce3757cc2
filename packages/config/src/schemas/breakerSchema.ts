import { z } from 'zod';
import { count, name, percent, positiveInt, positiveMs } from './primitives';

/** `CircuitBreakerConfig`: the per-endpoint breakers. */
export const breakerSchema = z.strictObject({
  cluster: name.optional(),
  timeoutMs: positiveMs.optional(),
  errorThresholdPercentage: percent.optional(),
  volumeThreshold: count.optional(),
  resetTimeoutMs: positiveMs.optional(),
  rollingCountTimeoutMs: positiveMs.optional(),
  rollingCountBuckets: positiveInt.optional(),
  fallback: z
    .strictObject({ status: z.number().int().min(100).max(599), body: z.unknown() })
    .nullable()
    .optional(),
});
