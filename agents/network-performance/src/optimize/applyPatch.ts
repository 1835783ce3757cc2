import type { NetworkPerformanceAgentContract } from '@slipstream/contracts';
import type { ConfigPatch } from './planOptimizations';

/** Sends one planned configure call through the agent's own configure operation. */
export function applyPatch(agent: NetworkPerformanceAgentContract, patch: ConfigPatch): Promise<unknown> {
  if ('pooling' in patch) return agent.implementConnectionPooling(patch.pooling);
  if ('cluster' in patch) return agent.implementLoadBalancing(patch.cluster);
  if ('breaker' in patch) return agent.implementCircuitBreaker(patch.breaker);
  if ('routing' in patch) return agent.implementAdvancedRouting(patch.routing);
  return agent.implementRequestBatching(patch.batching);
}
