import { z } from 'zod';
import { clusterListSchema } from './clusterSchema';
import { checkClusterNames, clientOptionsShape } from './clientOptionsSchema';
import { monitoringSchema } from './monitoringSchema';
import { name, positiveInt, urlPath } from './primitives';

/** Hard caps of a measurement run, so a config or a bus payload cannot start an unbounded one. */
export const MAX_BENCHMARK = Object.freeze({ requests: 100_000, concurrency: 1_024, maxDurationMs: 600_000 });

/** The bounded size of a measurement run (shared by the agent's workload and `network.benchmark`). */
const runSize = {
  requests: positiveInt.max(MAX_BENCHMARK.requests).optional(),
  concurrency: positiveInt.max(MAX_BENCHMARK.concurrency).optional(),
  maxDurationMs: positiveInt.max(MAX_BENCHMARK.maxDurationMs).optional(),
};

/** `WorkloadOptions` of the agent. */
export const workloadSchema = z.strictObject({
  path: urlPath.optional(),
  cluster: name.optional(),
  ...runSize,
});

/** `NetworkBenchmarkOptions`: the payload of `network.benchmark`. */
export const benchmarkSchema = z.strictObject({ target: name.optional(), ...runSize });

/**
 * `NetworkPerformanceAgentOptions`: the targets (at least one cluster) and the pipeline's
 * initial settings; the workload names a configured cluster.
 */
export const agentOptionsSchema = z
  .strictObject({
    clusters: clusterListSchema.min(1),
    routes: clientOptionsShape.routes,
    classes: clientOptionsShape.classes,
    pool: clientOptionsShape.pool,
    batching: clientOptionsShape.batching,
    breaker: clientOptionsShape.breaker,
    monitoring: monitoringSchema.optional(),
    workload: workloadSchema.optional(),
  })
  .superRefine((options, ctx) => {
    checkClusterNames(options, ctx);
    const cluster = options.workload?.cluster;
    if (cluster !== undefined && !options.clusters.some((c) => c.cluster === cluster))
      ctx.addIssue({
        code: 'custom',
        path: ['workload', 'cluster'],
        message: `a configured cluster (${options.clusters.map((c) => `"${c.cluster}"`).join(', ')})`,
      });
  });
