import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import { SarahAgent, sarahModule } from '@slipstream/agent-sarah';
import type { AgentSet } from './DemoEnvironment';

/** The sidecar's target cluster: every default upstream. */
export const DEFAULT_CLUSTER = 'default';

/** Options of `slipstreamAgents`. */
export interface SlipstreamAgentsOptions {
  /** Requests per phase of the sidecar's measured workload (`network.optimize`, `network.benchmark`). Defaults to 300. */
  workloadRequests?: number;
}

const DEFAULTS = Object.freeze({ workloadRequests: 300 });

/**
 * The agents the demo boots: the NetworkPerformanceAgent (sidecar) with one cluster over
 * `origins`, and Sarah, whose tasks go through it.
 */
export function slipstreamAgents(
  origins: readonly string[],
  options: SlipstreamAgentsOptions = {},
): AgentSet {
  const sidecar = new NetworkPerformanceAgent({
    clusters: [{ cluster: DEFAULT_CLUSTER, endpoints: origins.map((origin) => ({ origin })) }],
    workload: {
      path: '/work',
      cluster: DEFAULT_CLUSTER,
      requests: options.workloadRequests ?? DEFAULTS.workloadRequests,
      concurrency: 16,
      maxDurationMs: 10_000,
    },
  });
  const sarah = new SarahAgent();
  return {
    agents: [sidecar, sarah],
    modules: [...networkPerformanceModules(sidecar), sarahModule(sarah)],
  };
}
