import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import { PerformanceOptimizerAgent } from '@slipstream/agent-performance-optimizer';
import { SarahAgent, sarahModule } from '@slipstream/agent-sarah';
import type { AgentSet } from './DemoEnvironment';

/** The sidecar's target cluster: every default upstream. */
export const DEFAULT_CLUSTER = 'default';

/** The sidecar's metrics window, ms. */
export const MONITORING_WINDOW_MS = 5_000;

/** Options of `slipstreamAgents`. */
export interface SlipstreamAgentsOptions {
  /** Requests per phase of the sidecar's measured workload (`network.optimize`, `network.benchmark`). Defaults to 300. */
  workloadRequests?: number;
}

const DEFAULTS = Object.freeze({ workloadRequests: 300 });

/**
 * The three agents the demo boots: the NetworkPerformanceAgent (sidecar) with one cluster over
 * `origins`, Sarah, whose tasks go through it, and the PerformanceOptimizer, which tunes it.
 */
export function slipstreamAgents(
  origins: readonly string[],
  options: SlipstreamAgentsOptions = {},
): AgentSet {
  const sidecar = new NetworkPerformanceAgent({
    clusters: [{ cluster: DEFAULT_CLUSTER, endpoints: origins.map((origin) => ({ origin })) }],
    // A short window, so an alert in the demo can resolve within seconds of the endpoint healing.
    monitoring: { windowMs: MONITORING_WINDOW_MS },
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
    agents: [sidecar, sarah, new PerformanceOptimizerAgent()],
    modules: [...networkPerformanceModules(sidecar), sarahModule(sarah)],
  };
}
