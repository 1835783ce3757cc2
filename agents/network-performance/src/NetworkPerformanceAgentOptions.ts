import type {
  CircuitBreakerConfig,
  ConnectionPoolingConfig,
  NetworkMonitoringConfig,
  QosClassConfig,
  RequestBatchingConfig,
  RouteConfig,
} from '@slipstream/contracts';
import { checkClusterConnections, type ClientClusterConfig } from '@slipstream/client';
import { agentOptionsSchema, parseConfig } from '@slipstream/config';

/** The workload `optimizeNetworkPerformance` and `benchmarkNetworkPerformance` measure. */
export interface WorkloadOptions {
  /** Path requested (GET) on the targets; the route table may match it. Defaults to '/'. */
  path?: string;
  /** Cluster the requests go to when no route matches. Defaults to the first cluster. */
  cluster?: string;
  /** Requests per measurement phase. Defaults to 200. */
  requests?: number;
  /** Requests in flight at once. Defaults to 16. */
  concurrency?: number;
  /** Hard cap per measurement phase, ms. Defaults to 10_000 ms. */
  maxDurationMs?: number;
}

/** Options of the `NetworkPerformanceAgent`: the targets and the pipeline's initial settings. */
export interface NetworkPerformanceAgentOptions {
  /** The target clusters (upstream origins) of the pipeline; at least one. Required. */
  clusters: ClientClusterConfig[];
  /** Route table. Defaults to [] (requests name their cluster). */
  routes?: RouteConfig[];
  /** QoS classes. Defaults to the routing package's critical / standard / bulk. */
  classes?: QosClassConfig[];
  /** Connection pools. Defaults to the http package's. */
  pool?: ConnectionPoolingConfig;
  /** Request batching. Defaults to the batching package's. */
  batching?: RequestBatchingConfig;
  /** Circuit breakers. Defaults to the resilience package's. */
  breaker?: CircuitBreakerConfig;
  /** Monitoring: window, objective, snapshot period, alert rules, admin server. Defaults to the monitor's (admin off). */
  monitoring?: NetworkMonitoringConfig;
  /** The measured workload. Defaults to 200 GETs of '/' on the first cluster, 16 at a time, at most 10_000 ms. */
  workload?: WorkloadOptions;
}

/** Options after validation, with the workload resolved. */
export interface ResolvedAgentOptions extends NetworkPerformanceAgentOptions {
  workload: Required<Omit<WorkloadOptions, 'cluster'>> & { cluster: string };
  monitoring: NetworkMonitoringConfig;
}

/** Defaults of the agent's own options (units in `WorkloadOptions` and `NetworkMonitoringConfig`). */
export const AGENT_DEFAULTS = Object.freeze({
  workloadPath: '/',
  workloadRequests: 200,
  workloadConcurrency: 16,
  workloadMaxDurationMs: 10_000,
  snapshotIntervalMs: 10_000,
});

/**
 * Validates the agent's options against `agentOptionsSchema` of `@slipstream/config` (the
 * same schemas as the client's options and the bus commands) and fills the workload's
 * defaults. Throws a `ConfigError` naming each bad path, what was expected and what was
 * received; also when the workload or a route names a cluster that is not configured.
 */
export function resolveAgentOptions(options: NetworkPerformanceAgentOptions): ResolvedAgentOptions {
  parseConfig(agentOptionsSchema, options);
  // What the client's pools would refuse at start (h2 or TLS on an http origin, TLS files), now.
  checkClusterConnections(options.clusters);
  const workload = options.workload ?? {};
  return {
    ...options,
    monitoring: options.monitoring ?? {},
    workload: {
      path: workload.path ?? AGENT_DEFAULTS.workloadPath,
      cluster: workload.cluster ?? options.clusters[0]!.cluster,
      requests: workload.requests ?? AGENT_DEFAULTS.workloadRequests,
      concurrency: workload.concurrency ?? AGENT_DEFAULTS.workloadConcurrency,
      maxDurationMs: workload.maxDurationMs ?? AGENT_DEFAULTS.workloadMaxDurationMs,
    },
  };
}
