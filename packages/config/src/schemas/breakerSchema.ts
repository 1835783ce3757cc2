import { z } from 'zod';
import { count, name, percent, positiveInt, positiveMs } from './primitives';

/** Whether `value` can be sent as a JSON body: `JSON.stringify` renders it (not undefined, a function, a symbol, a bigint). */
function isJsonBody(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

/** The body of a breaker fallback, sent as JSON: required, any JSON value. */
const fallbackBody = z.custom<unknown>(isJsonBody, {
  message:
    'a JSON value for the response body (a string, which may be empty, a number, a boolean, null, an array or an object)',
});

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
    .strictObject({ status: z.number().int().min(100).max(599), body: fallbackBody })
    .nullable()
    .optional(),
});
