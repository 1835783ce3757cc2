import type { NetworkCommandName } from '@slipstream/contracts';
import { z } from 'zod';
import { benchmarkSchema } from './agentOptionsSchema';
import { batchingSchema } from './batchingSchema';
import { breakerSchema } from './breakerSchema';
import { clusterPatchSchema } from './clusterSchema';
import { monitoringSchema } from './monitoringSchema';
import { poolingSchema } from './poolingSchema';
import { advancedRoutingSchema } from './routingSchema';

/**
 * The payload of every `network.*` command: the same schemas as the constructor options, so a
 * setting refused at construction is refused over the bus with the same path and words.
 */
export const COMMAND_SCHEMAS = {
  'network.pooling.configure': poolingSchema,
  'network.batching.configure': batchingSchema,
  'network.balancing.configure': clusterPatchSchema,
  'network.breaker.configure': breakerSchema,
  'network.monitoring.configure': monitoringSchema,
  'network.routing.configure': advancedRoutingSchema,
  'network.optimize': z.strictObject({}),
  'network.benchmark': benchmarkSchema,
} satisfies Record<NetworkCommandName, z.ZodType>;
