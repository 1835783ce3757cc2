import type { EventBus, Logger, RequestObserver } from '@slipstream/contracts';
import { PoolManager } from '@slipstream/http';
import type { MetricsRegistry } from '@slipstream/monitor';
import { NetworkClient } from './NetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

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
}

/** Builds a `NetworkClient` without a container (benchmarks, scripts, tests). */
export function createNetworkClient(
  options: NetworkClientOptions,
  deps: NetworkClientDeps = {},
): NetworkClient {
  const pool = deps.pool ?? new PoolManager(options.pool);
  try {
    return new NetworkClient(
      options,
      pool,
      deps.metrics,
      deps.bus,
      deps.logger,
      deps.observers,
      deps.pool === undefined,
    );
  } catch (err) {
    if (deps.pool === undefined) void pool.destroy();
    throw err;
  }
}
