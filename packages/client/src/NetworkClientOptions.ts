import { clientOptionsSchema, parseConfig } from '@slipstream/config';
import type {
  CircuitBreakerConfig,
  ConnectionPoolingConfig,
  LoadBalancingConfig,
  QosClassConfig,
  RequestBatchingConfig,
  RouteConfig,
  AdvancedRoutingConfig,
} from '@slipstream/contracts';
import type { RetryPolicyOptions } from '@slipstream/resilience';

/** A cluster of the client: the contract's load-balancing config, its JSON-RPC batch path included. */
export type ClientClusterConfig = LoadBalancingConfig;

/** Retry settings of the client (the resilience package's options; what is retryable is the outcome classifier's verdict). */
export type ClientRetryOptions = RetryPolicyOptions;

/** Options of a `NetworkClient`, every one validated at construction (see `resolveClientOptions`). */
export interface NetworkClientOptions {
  /** The clusters requests can go to. Required here; may be empty (`createNetworkClient` defaults it to [], and `configureCluster` adds clusters later). */
  clusters: ClientClusterConfig[];
  /** Route table. Defaults to [] (requests name their cluster). */
  routes?: RouteConfig[];
  /** QoS classes. Defaults to the routing package's critical / standard / bulk. */
  classes?: QosClassConfig[];
  /** Per-cluster concurrency limit of the admission step. Defaults to adaptive, initial limit 20. */
  adaptiveConcurrency?: AdvancedRoutingConfig['adaptiveConcurrency'];
  /** Per-endpoint circuit breakers. Defaults to the resilience package's (5 calls, 50 %, 60_000 ms reset). */
  breaker?: CircuitBreakerConfig;
  /** Budgeted retries. Defaults to 2 retries, 50 ms base backoff, a budget of 20 % + 10 per s. */
  retry?: ClientRetryOptions;
  /** Request batching of `call()`. Defaults to the batching package's (10 calls, 2 ms). */
  batching?: RequestBatchingConfig;
  /** Connection pools, when the client builds its own `PoolManager`. Defaults to the http package's. */
  pool?: ConnectionPoolingConfig;
  /** Whether outcomes are recorded in the `MetricsRegistry` (when one is given). Defaults to true. */
  monitoring?: boolean;
  /** Overall deadline of a request whose route and caller give none, ms; 0 for none. Defaults to 0 (none). */
  defaultTimeoutMs?: number;
  /** QoS class of a request without a route or a `priority`. Defaults to 'standard'. */
  defaultQosClass?: string;
}

/** Options after defaults were applied. */
export type ResolvedClientOptions = NetworkClientOptions &
  Required<Pick<NetworkClientOptions, 'monitoring' | 'defaultTimeoutMs' | 'defaultQosClass'>>;

/** Defaults of the client's own scalar options (see `NetworkClientOptions` for units). */
export const CLIENT_DEFAULTS = Object.freeze({
  batchPath: '/rpc',
  monitoring: true,
  defaultTimeoutMs: 0,
  defaultQosClass: 'standard',
});

/**
 * Validates `options` against `clientOptionsSchema` of `@slipstream/config` (every nested
 * option, unknown keys refused with the nearest valid name, routes naming configured clusters,
 * unique cluster names) and fills the client's own defaults. Throws a `ConfigError` naming
 * each bad path, what was expected and what was received.
 */
export function resolveClientOptions(options: NetworkClientOptions): ResolvedClientOptions {
  parseConfig(clientOptionsSchema, options);
  return {
    ...options,
    monitoring: options.monitoring ?? CLIENT_DEFAULTS.monitoring,
    defaultTimeoutMs: options.defaultTimeoutMs ?? CLIENT_DEFAULTS.defaultTimeoutMs,
    defaultQosClass: options.defaultQosClass ?? CLIENT_DEFAULTS.defaultQosClass,
  };
}
