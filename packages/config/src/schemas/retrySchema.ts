import { z } from 'zod';
import { count, ms, positiveMs } from './primitives';

/** The client's retry settings (`RetryPolicyOptions` without its functions). */
export const retrySchema = z.strictObject({
  maxRetries: count.optional(),
  baseDelayMs: positiveMs.optional(),
  maxDelayMs: positiveMs.optional(),
  maxRetryAfterMs: ms.optional(),
  budget: z
    .strictObject({
      ratio: z.number().min(0).max(1).optional(),
      minPerSecond: z.number().min(0).optional(),
      maxBalance: z.number().min(0).optional(),
    })
    .optional(),
});
