import type { Disposer, EventBus, NetworkPerformanceAgentContract } from '@slipstream/contracts';
import { checkPayload } from './checkPayload';

/**
 * Answers every `network.*` command with the agent's operation. Payloads are checked first; a
 * malformed one (or any refusal) becomes an error reply — the requester gets a `RemoteError`
 * carrying the `ConfigError`'s code — and never reaches the pipeline. Returns the disposers.
 */
export function registerCommands(bus: EventBus, agent: NetworkPerformanceAgentContract): Disposer[] {
  return [
    bus.respond('network.pooling.configure', (p) => agent.implementConnectionPooling(p)),
    bus.respond('network.batching.configure', (p) => agent.implementRequestBatching(p)),
    bus.respond('network.balancing.configure', (p) => agent.implementLoadBalancing(p)),
    bus.respond('network.breaker.configure', (p) => agent.implementCircuitBreaker(p)),
    bus.respond('network.monitoring.configure', (p) => agent.implementNetworkMonitoring(p)),
    bus.respond('network.routing.configure', (p) => agent.implementAdvancedRouting(p)),
    bus.respond('network.optimize', (p) => {
      checkPayload('network.optimize', p);
      return agent.optimizeNetworkPerformance();
    }),
    bus.respond('network.benchmark', (p) => agent.benchmarkNetworkPerformance(p)),
  ];
}
