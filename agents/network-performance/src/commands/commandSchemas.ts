import type { NetworkCommandName } from '@slipstream/contracts';
import { z } from 'zod';

const ms = z.number().int().min(0);
const positiveInt = z.number().int().positive();
const object = z.object({}).passthrough();
/** Hard caps of a measurement run requested over the bus, so a payload cannot start an unbounded one. */
const MAX_BENCHMARK = Object.freeze({ requests: 100_000, concurrency: 1_024, maxDurationMs: 600_000 });

/**
 * The shape of every command payload, checked before anything is applied. Only the shape is
 * checked here (types, known keys, ranges of scalars); the owning component checks the
 * contents (e.g. route patterns, endpoint URLs) and refuses with its own `ConfigError`.
 */
export const COMMAND_SCHEMAS = {
  'network.pooling.configure': z
    .object({
      connections: positiveInt.optional(),
      pipelining: positiveInt.optional(),
      keepAliveTimeoutMs: positiveInt.optional(),
      keepAliveMaxTimeoutMs: positiveInt.optional(),
      connectTimeoutMs: ms.optional(),
      headersTimeoutMs: ms.optional(),
      bodyTimeoutMs: ms.optional(),
      maxResponseSize: z.number().int().min(-1).optional(),
      maxPending: z.number().int().min(0).optional(),
      queueTimeoutMs: positiveInt.optional(),
      allowH2: z.boolean().optional(),
      idleOriginTtlMs: ms.optional(),
    })
    .strict(),
  'network.batching.configure': z
    .object({
      maxBatchSize: positiveInt.optional(),
      maxDelayMs: ms.optional(),
      maxBatchBytes: positiveInt.optional(),
      maxInFlightBatches: positiveInt.optional(),
      dedupe: z.boolean().optional(),
      compression: z.enum(['none', 'gzip', 'br']).optional(),
      compressionThresholdBytes: z.number().int().min(0).optional(),
    })
    .strict(),
  'network.balancing.configure': z
    .object({
      cluster: z.string().min(1),
      endpoints: z
        .array(
          z
            .object({
              origin: z.url(),
              weight: z.number().positive().optional(),
              tier: z.number().int().min(0).optional(),
            })
            .strict(),
        )
        .min(1)
        .optional(),
      algorithm: z
        .enum(['round-robin', 'random', 'least-outstanding', 'p2c-peak-ewma', 'consistent-hash'])
        .optional(),
      healthCheck: object.optional(),
      outlierDetection: object.optional(),
      panicThresholdPercent: z.number().min(0).max(100).optional(),
      slowStartMs: ms.optional(),
      failoverThresholdPercent: z.number().min(0).max(100).optional(),
      sticky: object.optional(),
      batchPath: z.string().startsWith('/').optional(),
    })
    .strict(),
  'network.breaker.configure': z
    .object({
      cluster: z.string().min(1).optional(),
      timeoutMs: positiveInt.optional(),
      errorThresholdPercentage: z.number().min(0).max(100).optional(),
      volumeThreshold: z.number().int().min(0).optional(),
      resetTimeoutMs: positiveInt.optional(),
      rollingCountTimeoutMs: positiveInt.optional(),
      rollingCountBuckets: positiveInt.optional(),
      fallback: z
        .object({ status: z.number().int().min(100).max(599), body: z.unknown() })
        .strict()
        .nullable()
        .optional(),
    })
    .strict(),
  'network.monitoring.configure': z
    .object({
      sloLatencyMs: z.number().positive().optional(),
      snapshotIntervalMs: ms.optional(),
      windowMs: positiveInt.optional(),
      alertRules: z.array(object).optional(),
      admin: z
        .object({
          enabled: z.boolean().optional(),
          host: z.string().min(1).optional(),
          port: z.number().int().min(0).max(65_535).optional(),
          bearerToken: z.string().min(1).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  'network.routing.configure': z
    .object({
      routes: z.array(object).optional(),
      classes: z.array(object).optional(),
      defaultClass: z.string().min(1).optional(),
      adaptiveConcurrency: object.optional(),
    })
    .strict(),
  'network.optimize': z.object({}).strict(),
  'network.benchmark': z
    .object({
      target: z.string().min(1).optional(),
      requests: positiveInt.max(MAX_BENCHMARK.requests).optional(),
      concurrency: positiveInt.max(MAX_BENCHMARK.concurrency).optional(),
      maxDurationMs: positiveInt.max(MAX_BENCHMARK.maxDurationMs).optional(),
    })
    .strict(),
} satisfies Record<NetworkCommandName, z.ZodType>;
