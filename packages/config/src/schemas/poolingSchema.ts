import { z } from 'zod';
import { compression, count, ms, positiveInt, positiveMs } from './primitives';
import { upstreamConnectionShape } from './upstreamConnectionSchema';

/** `ConnectionPoolingConfig`: the per-origin connection pools (units and defaults in contracts). */
export const poolingSchema = z.strictObject({
  connections: positiveInt.optional(),
  pipelining: positiveInt.optional(),
  keepAliveTimeoutMs: positiveMs.optional(),
  keepAliveMaxTimeoutMs: positiveMs.optional(),
  connectTimeoutMs: ms.optional(),
  headersTimeoutMs: ms.optional(),
  bodyTimeoutMs: ms.optional(),
  maxResponseSize: z.number().int().min(-1).optional(),
  maxPending: count.optional(),
  queueTimeoutMs: positiveMs.optional(),
  allowH2: z.boolean().optional(),
  idleOriginTtlMs: ms.optional(),
});

/** `OriginSettings` of the http package: per-origin request-body compression and connection settings. */
export const originSettingsSchema = z.strictObject({
  requestCompression: compression.optional(),
  compressionThresholdBytes: count.optional(),
  ...upstreamConnectionShape,
});

/** `PoolManagerOptions` of the http package: the pooling settings plus per-origin settings keyed by origin. */
export const poolManagerOptionsSchema = poolingSchema.extend({
  origins: z.record(z.string(), originSettingsSchema).optional(),
});
