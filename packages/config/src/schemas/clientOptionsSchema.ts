import { z } from 'zod';
import { batchingSchema } from './batchingSchema';
import { breakerSchema } from './breakerSchema';
import { clusterListSchema } from './clusterSchema';
import { poolingSchema } from './poolingSchema';
import { ms, name } from './primitives';
import { retrySchema } from './retrySchema';
import { adaptiveConcurrencySchema, qosClassSchema, routeSchema } from './routingSchema';

/** The fields of `NetworkClientOptions`, shared with the agent's options. */
export const clientOptionsShape = {
  clusters: clusterListSchema.default([]),
  routes: z.array(routeSchema).optional(),
  classes: z.array(qosClassSchema).min(1).optional(),
  adaptiveConcurrency: adaptiveConcurrencySchema.optional(),
  breaker: breakerSchema.optional(),
  retry: retrySchema.optional(),
  batching: batchingSchema.optional(),
  pool: poolingSchema.optional(),
  monitoring: z.boolean().optional(),
  defaultTimeoutMs: ms.optional(),
  defaultQosClass: name.optional(),
};

/** What the cross-field checks of a set of clusters, routes and breaker settings read. */
interface ClustersAndRoutes {
  clusters: readonly { cluster: string }[];
  routes?: readonly { cluster: string | readonly string[] }[] | undefined;
  breaker?: { cluster?: string | undefined } | undefined;
}

/**
 * Adds an issue for each duplicate cluster name, each route that names an unknown cluster and
 * breaker settings for an unknown cluster (they would never apply, their fallback neither).
 */
export function checkClusterNames(options: ClustersAndRoutes, ctx: z.RefinementCtx): void {
  const names = options.clusters.map((c) => c.cluster);
  const configured = `a configured cluster (${names.map((n) => `"${n}"`).join(', ') || 'none configured'})`;
  names.forEach((cluster, i) => {
    if (names.indexOf(cluster) !== i)
      ctx.addIssue({
        code: 'custom',
        path: ['clusters', i, 'cluster'],
        message: 'a cluster name not used before',
      });
  });
  options.routes?.forEach((route, i) => {
    const targets = [route.cluster].flat();
    targets.forEach((target, j) => {
      if (names.includes(target)) return;
      ctx.addIssue({
        code: 'custom',
        path: Array.isArray(route.cluster) ? ['routes', i, 'cluster', j] : ['routes', i, 'cluster'],
        message: configured,
        input: target,
      });
    });
  });
  const breakerCluster = options.breaker?.cluster;
  if (breakerCluster !== undefined && !names.includes(breakerCluster))
    ctx.addIssue({
      code: 'custom',
      path: ['breaker', 'cluster'],
      message: configured,
      input: breakerCluster,
    });
}

/**
 * `NetworkClientOptions`: every option of the client, checked at construction. Every field is
 * optional (`createNetworkClient()` with none builds a client without clusters); cluster
 * names are unique, and routes and `breaker.cluster` name configured clusters.
 */
export const clientOptionsSchema = z.strictObject(clientOptionsShape).superRefine(checkClusterNames);
