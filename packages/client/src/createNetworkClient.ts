import type { EventBus, Logger, RequestObserver } from '@slipstream/contracts';
import { PoolManager } from '@slipstream/http';
import type { MetricsRegistry } from '@slipstream/monitor';
import { NetworkClient } from './NetworkClient';
import type { PipelineStep } from './pipeline/PipelineStep';
import { resolveClientOptions, type NetworkClientOptions } from './NetworkClientOptions';

/** What `createNetworkClient` may be given; everything is optional. */
export interface NetworkClientDeps {
  /** The pools to send on. Defaults to a new `PoolManager` built from `options.pool`, owned (and closed) by the client. */
  pool?: PoolManager;
  /** Where outcomes are recorded. Defaults to none. */
  metrics?: MetricsRegistry;
  /** Where breaker, ejection, failover, route and limit events go. Defaults to none. */
  bus?: EventBus;
  /** Defaults to none. */
  logger?: Logger;
  /** Request observers (tracing, access logs), each called at every step they watch. Defaults to none. */
  observers?: readonly RequestObserver[];
  /** Steps added to every attempt, after the pick and before the breaker, in this order. Defaults to none. */
  steps?: readonly PipelineStep[];
}

/** What `createNetworkClient` takes: the client's options, every one optional (no clusters by default). */
export type CreateNetworkClientOptions = Omit<NetworkClientOptions, 'clusters'> & {
  clusters?: NetworkClientOptions['clusters'];
};

/**
 * Builds a `NetworkClient` without a container (benchmarks, scripts, tests). Every option is
 * validated first (a `ConfigError` names each bad path); with none, the client has sane defaults
 * and no clusters (add them with `configureCluster`).
 */
export function createNetworkClient(
  input: CreateNetworkClientOptions = {},
  deps: NetworkClientDeps = {},
): NetworkClient {
  // Anything but a plain object (null, an array) goes to the schema as it is, which refuses it.
  const options = (
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? { ...input, clusters: input.clusters ?? [] }
      : input
  ) as NetworkClientOptions;
  resolveClientOptions(options);
  const pool = deps.pool ?? new PoolManager(options.pool);
  try {
    return new NetworkClient(
      options,
      pool,
      deps.metrics,
      deps.bus,
      deps.logger,
      deps.observers,
      undefined,
      undefined,
      undefined,
      undefined,
      deps.steps,
      deps.pool === undefined,
    );
  } catch (err) {
    if (deps.pool === undefined) void pool.destroy();
    throw err;
  }
}
