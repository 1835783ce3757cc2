import { parseConfig } from '@slipstream/core';
import { ConfigError } from '@slipstream/contracts';
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
import { z } from 'zod';

/** A cluster of the client: the contract's load-balancing config, its JSON-RPC batch path included. */
export type ClientClusterConfig = LoadBalancingConfig;

/** Retry settings of the client (the resilience package's options; what is retryable is the outcome classifier's verdict). */
export type ClientRetryOptions = RetryPolicyOptions;

/** Options of a `NetworkClient`. Nested configs are validated by the component that owns them. */
export interface NetworkClientOptions {
  /** The clusters requests can go to; at least one. Required. */
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

const object = z.object({}).passthrough();

/** The shape checked here; components check the contents of their own configs. */
const schema = z.object({
  clusters: z
    .array(
      z
        .object({
          cluster: z.string().min(1),
          batchPath: z.string().startsWith('/').optional(),
        })
        .passthrough(),
    )
    .min(1),
  routes: z.array(object).optional(),
  classes: z.array(object).optional(),
  adaptiveConcurrency: object.optional(),
  breaker: object.optional(),
  retry: object.optional(),
  batching: object.optional(),
  pool: object.optional(),
  monitoring: z.boolean().optional(),
  defaultTimeoutMs: z.number().int().min(0).optional(),
  defaultQosClass: z.string().min(1).optional(),
});

/**
 * Checks the shape of `options` and fills the client's own defaults. Throws a `ConfigError`
 * naming each bad path, what was expected and what was received; also for duplicate cluster names.
 */
export function resolveClientOptions(options: NetworkClientOptions): ResolvedClientOptions {
  parseConfig(schema, options);
  const names = options.clusters.map((c) => c.cluster);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ConfigError([
      { path: 'clusters', expected: 'unique cluster names', received: JSON.stringify(duplicate) },
    ]);
  }
  return {
    ...options,
    monitoring: options.monitoring ?? CLIENT_DEFAULTS.monitoring,
    defaultTimeoutMs: options.defaultTimeoutMs ?? CLIENT_DEFAULTS.defaultTimeoutMs,
    defaultQosClass: options.defaultQosClass ?? CLIENT_DEFAULTS.defaultQosClass,
  };
}
