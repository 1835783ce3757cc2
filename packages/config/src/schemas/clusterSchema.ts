import { z } from 'zod';
import { ms, name, origin, percent, positiveInt, positiveMs, urlPath } from './primitives';
import { canonicalOrigin, sharedOriginConflicts } from './sharedOriginConflicts';
import { upstreamConnectionShape } from './upstreamConnectionSchema';

/** The balancing algorithms. */
export const BALANCER_ALGORITHM_NAMES = [
  'round-robin',
  'random',
  'least-outstanding',
  'p2c-peak-ewma',
  'consistent-hash',
] as const;

/** `EndpointConfig`. */
export const endpointSchema = z.strictObject({
  origin,
  weight: z.number().positive().optional(),
  tier: z.number().int().min(0).optional(),
  ...upstreamConnectionShape,
});

/** `HealthCheckConfig`: active health checks, off when the section is omitted. */
export const healthCheckSchema = z.strictObject({
  path: urlPath.optional(),
  intervalMs: positiveMs.optional(),
  jitter: z.number().min(0).max(1).optional(),
  timeoutMs: positiveMs.optional(),
  healthyThreshold: positiveInt.optional(),
  unhealthyThreshold: positiveInt.optional(),
});

/** `LoadBalancingConfig['outlierDetection']`. */
export const outlierDetectionSchema = z
  .strictObject({
    consecutiveFailures: positiveInt.optional(),
    baseEjectionMs: positiveMs.optional(),
    maxEjectionMs: positiveMs.optional(),
    maxEjectionPercent: percent.optional(),
    multiplierDecayMs: positiveMs.optional(),
  })
  .refine((o) => (o.maxEjectionMs ?? 300_000) >= (o.baseEjectionMs ?? 30_000), {
    path: ['maxEjectionMs'],
    message: 'a number of ms ≥ baseEjectionMs (defaults: 300_000 ≥ 30_000)',
  });

/** `LoadBalancingConfig`: one cluster (at least one endpoint, unique origins: `http://h:80` and `http://h` are one). */
export const clusterSchema = z.strictObject({
  cluster: name,
  endpoints: z
    .array(endpointSchema)
    .min(1)
    .refine((list) => new Set(list.map((e) => canonicalOrigin(e.origin))).size === list.length, {
      message: 'endpoints with unique origins (http://h:80 and http://h are one origin)',
    }),
  batchPath: urlPath.optional(),
  algorithm: z.enum(BALANCER_ALGORITHM_NAMES).optional(),
  healthCheck: healthCheckSchema.optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  panicThresholdPercent: percent.optional(),
  slowStartMs: ms.optional(),
  failoverThresholdPercent: percent.optional(),
  sticky: z
    .strictObject({
      source: z.enum(['header', 'cookie']).optional(),
      name: name.optional(),
    })
    .optional(),
  ...upstreamConnectionShape,
});

/**
 * A change to one cluster (`network.balancing.configure`): the fields of `clusterSchema`, where
 * `endpoints` may be omitted to keep those in force (a new cluster still needs them).
 */
export const clusterPatchSchema = clusterSchema.partial({ endpoints: true });

/**
 * The clusters of a client or agent: each a `clusterSchema`, and endpoints of different clusters
 * at one origin with the same connection settings (they share one pool; see `sharedOriginConflicts`).
 */
export const clusterListSchema = z.array(clusterSchema).superRefine((clusters, ctx) => {
  const pathOf = (ci: number, ei: number): string => `clusters[${ci}].endpoints[${ei}]`;
  for (const { clusterIndex, endpointIndex, field, issue } of sharedOriginConflicts(clusters, pathOf)) {
    ctx.addIssue({
      code: 'custom',
      path: [clusterIndex, 'endpoints', endpointIndex, ...field.split('.')],
      message: issue.expected,
      params: { received: issue.received },
    });
  }
});
