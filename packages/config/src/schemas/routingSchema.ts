import { z } from 'zod';
import { compression, count, MAX_TIMER_MS, name, positiveInt, urlPath } from './primitives';

/** An HTTP method name (letters; matched case-insensitively). */
const method = z.string().regex(/^[A-Za-z]+$/, 'an HTTP method (letters only)');

const rateLimit = z.strictObject({ ratePerSec: z.number().positive(), burst: positiveInt });

/** `RouteConfig`. */
export const routeSchema = z.strictObject({
  id: name,
  match: z.strictObject({
    method: z.union([method, z.array(method).min(1)]).optional(),
    host: name.optional(),
    path: urlPath.optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  cluster: z.union([name, z.array(name).min(1)]),
  policy: z
    .strictObject({
      timeoutMs: z.number().min(0).max(MAX_TIMER_MS).optional(),
      retries: count.optional(),
      qosClass: name.optional(),
      compression: compression.optional(),
      rateLimit: rateLimit.optional(),
      perTryTimeoutMs: z.number().positive().max(MAX_TIMER_MS).optional(),
      retryOn: z.array(z.number().int().min(400).max(599)).optional(),
      hedge: z
        .strictObject({
          delayMs: z.number().min(0).max(MAX_TIMER_MS).optional(),
          quantile: z.number().gt(0).lt(1).optional(),
          maxExtra: z.number().int().min(1).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** `QosClassConfig`. */
export const qosClassSchema = z.strictObject({
  name,
  priority: z.number(),
  weight: z.number().positive().optional(),
  maxQueue: count.optional(),
  queueTimeoutMs: z.number().positive().max(MAX_TIMER_MS).optional(),
  shedOrder: z.number().optional(),
  maxInflightShare: z.number().gt(0).max(1).optional(),
  rateLimit: rateLimit.optional(),
});

/** A set of QoS classes: at least one. */
export const qosClassesSchema = z.array(qosClassSchema).min(1);

/** `AdvancedRoutingConfig['adaptiveConcurrency']`. */
export const adaptiveConcurrencySchema = z.strictObject({
  enabled: z.boolean().optional(),
  initialLimit: positiveInt.optional(),
  minLimit: positiveInt.optional(),
  maxLimit: positiveInt.optional(),
  smoothing: z.number().gt(0).max(1).optional(),
  rttTolerance: z.number().min(1).optional(),
  probeIntervalMs: z.number().positive().max(MAX_TIMER_MS).optional(),
  /** Limiter sample window, ms (the routing package's `AdaptiveLimiterSettings`). */
  windowMs: z.number().min(0).max(MAX_TIMER_MS).optional(),
  /** Samples a window needs before the limit moves. */
  minWindowSamples: positiveInt.optional(),
  /** Headroom the limit grows by in a window without congestion (the limiter's `queueSize`). */
  queueSize: z.number().min(0).optional(),
  /** While latency is elevated (or the limit sits at the learned capacity), the longest estimated queue wait admitted, in no-load RTTs, at least 20 ms unless 0 (the limiter's `maxQueueWaitRtts`). */
  maxQueueWaitRtts: z.number().min(0).optional(),
});

/** `AdvancedRoutingConfig` (what `network.routing.configure` takes; cluster names are checked by the client). */
export const advancedRoutingSchema = z.strictObject({
  routes: z.array(routeSchema).optional(),
  classes: qosClassesSchema.optional(),
  defaultClass: name.optional(),
  adaptiveConcurrency: adaptiveConcurrencySchema.optional(),
});
