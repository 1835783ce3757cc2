import { coreConfigSchema } from '@slipstream/core';
import { z } from 'zod';
import { agentOptionsSchema } from '@slipstream/config';

/**
 * The schema of a Slipstream config file (YAML or JSON): core's sections (`log`, `nodeId`, `bus`,
 * `discovery`, `orchestrator`) and `network`, the sidecar's options (clusters with their
 * endpoints and health checks, routes and their policies, QoS classes, pools, batching,
 * breakers, monitoring, workload). `$schema` lets editors complete it. Unknown keys are refused
 * at the top level and in `network`.
 */
export const systemConfigSchema = z
  .object({
    /** The JSON Schema the file follows (for editors); not read otherwise. */
    $schema: z.string().optional(),
    ...coreConfigSchema.shape,
    /** The NetworkPerformanceAgent's options. Required. */
    network: agentOptionsSchema.strict(),
  })
  .strict();

/** A validated config file (core's defaults applied). */
export type SystemConfig = z.output<typeof systemConfigSchema>;
