import { coreConfigSchema } from '@slipstream/core';
import { z } from 'zod';
import {
  agentOptionsSchema,
  agentsSectionSchema,
  fleetSectionSchema,
  sidecarSectionSchema,
} from '@slipstream/config';

/**
 * The schema of a Slipstream config file (YAML or JSON), the one `slipstream validate`,
 * `slipstream run` and `slipstream sidecar` read: core's sections (`log`, `nodeId`, `bus`,
 * `discovery`, `orchestrator`), `network` (the sidecar's pipeline: clusters with their endpoints
 * and health checks, routes and their policies, QoS classes, pools, batching, breakers,
 * monitoring, workload), `agents` (which agents run beside it, with their options), and the sidecar process's `sidecar` and `fleet` sections (read by
 * `slipstream sidecar`). `$schema` lets editors complete it. Unknown keys are refused everywhere,
 * the nearest known name suggested.
 */
export const systemConfigSchema = z
  .object({
    /** The JSON Schema the file follows (for editors); not read otherwise. */
    $schema: z.string().optional(),
    ...coreConfigSchema.shape,
    /** The NetworkPerformanceAgent's options. Required. */
    network: agentOptionsSchema.strict(),
    /** The agents that run beside the sidecar (`run` and `sidecar` register them), each with its options. Defaults to none. */
    agents: agentsSectionSchema.optional(),
    /** The sidecar process (`slipstream sidecar`): listener, admin server, limits, drain, reload. Defaults to every default. */
    sidecar: sidecarSectionSchema,
    /** The fleet configuration bucket `slipstream sidecar` follows (needs `bus.transport: nats`). Defaults to none. */
    fleet: fleetSectionSchema.optional(),
  })
  .strict();

/** A config file as written. */
export type SystemConfigInput = z.input<typeof systemConfigSchema>;
/** A config file after its schema (core's and the sidecar section's static defaults applied). */
export type SystemConfig = z.output<typeof systemConfigSchema>;
