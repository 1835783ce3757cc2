import type {
  CommandReply,
  CommandRequest,
  NetworkCommandName,
  NetworkPerformanceAgentContract,
} from '@slipstream/contracts';
import {
  advancedRoutingSchema,
  batchingSchema,
  benchmarkSchema,
  breakerSchema,
  clusterPatchSchema,
  monitoringSchema,
  poolingSchema,
} from '@slipstream/config';
import { z } from 'zod';

/** One bus command of the NetworkPerformanceAgent: the schema of its payload and the operation that answers it. */
export interface NetworkCommand<C extends NetworkCommandName> {
  /**
   * The payload's schema: the same as the constructor option it sets (`@slipstream/config`), so a
   * setting refused at construction is refused over the bus with the same path and words. What
   * it accepts must be the command's request type in the map.
   */
  readonly schema: z.ZodType<CommandRequest<C>>;
  /** Runs the agent's operation on a checked payload. */
  answer(agent: NetworkPerformanceAgentContract, payload: CommandRequest<C>): Promise<CommandReply<C>>;
}

/**
 * The agent's eight operations and their bus commands, each declared here once: topic → payload
 * schema → operation. `registerCommands` answers every topic from it and `checkPayload` checks
 * payloads with its schemas. Its type is checked against the contracts' `NetworkCommandMap`: a
 * topic missing from the table, or one the map lacks, does not compile, nor does an operation
 * whose request or reply differs from the map's.
 */
export const NETWORK_COMMANDS: { readonly [C in NetworkCommandName]: NetworkCommand<C> } = {
  'network.pooling.configure': {
    schema: poolingSchema,
    answer: (agent, payload) => agent.implementConnectionPooling(payload),
  },
  'network.batching.configure': {
    schema: batchingSchema,
    answer: (agent, payload) => agent.implementRequestBatching(payload),
  },
  'network.balancing.configure': {
    schema: clusterPatchSchema,
    answer: (agent, payload) => agent.implementLoadBalancing(payload),
  },
  'network.breaker.configure': {
    schema: breakerSchema,
    answer: (agent, payload) => agent.implementCircuitBreaker(payload),
  },
  'network.monitoring.configure': {
    schema: monitoringSchema,
    answer: (agent, payload) => agent.implementNetworkMonitoring(payload),
  },
  'network.routing.configure': {
    schema: advancedRoutingSchema,
    answer: (agent, payload) => agent.implementAdvancedRouting(payload),
  },
  'network.optimize': {
    schema: z.strictObject({}),
    answer: (agent) => agent.optimizeNetworkPerformance(),
  },
  'network.benchmark': {
    schema: benchmarkSchema,
    answer: (agent, payload) => agent.benchmarkNetworkPerformance(payload),
  },
};

/** The topics of `NETWORK_COMMANDS`. */
export const NETWORK_COMMAND_NAMES = Object.keys(NETWORK_COMMANDS) as NetworkCommandName[];
