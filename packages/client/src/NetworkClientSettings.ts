import type {
  AdvancedRoutingConfig,
  CircuitBreakerConfig,
  ConnectionPoolingConfig,
  RequestBatchingConfig,
} from '@slipstream/contracts';
import { batchingSettings, resolveBatcherOptions } from '@slipstream/batching';
import type { PoolManager } from '@slipstream/http';
import type { CircuitBreakerRegistry } from '@slipstream/resilience';
import type { QosScheduler, Router } from '@slipstream/routing';
import type { BreakerFallback } from './BreakerFallback';
import type { ClientClusterConfig } from './NetworkClientOptions';

/**
 * The settings in force of every stage of a `NetworkClient` (`NetworkClient.settings()`), as
 * each component reports them, defaults filled in.
 */
export interface NetworkClientSettings {
  /** The pools' settings (`PoolManager.options`). */
  pool: Readonly<Required<ConnectionPoolingConfig>>;
  /**
   * Every cluster's config, as `configureCluster` applied it (origins canonical), in the order
   * they were first configured. These are the client's own objects: read them, do not change them.
   */
  clusters: ClientClusterConfig[];
  /**
   * Breaker settings of every cluster without settings of its own (`CircuitBreakerRegistry.currentOptions`),
   * with the open-circuit `fallback` (null: none).
   */
  breaker: CircuitBreakerConfig;
  /**
   * By cluster name: the breaker settings its endpoints use (its own over `breaker`), labelled with
   * the cluster, with the fallback it answers with (its own when it was given one, else `breaker`'s).
   */
  clusterBreakers: Record<string, CircuitBreakerConfig>;
  /** The settings of every batcher, and of those made later (see `batchingSettings` of `@slipstream/batching`). */
  batching: RequestBatchingConfig;
  /** The routes, classes and default class (`Router`) and the concurrency settings (`QosScheduler`). */
  routing: Required<AdvancedRoutingConfig>;
}

/** What `collectClientSettings` reads: the client's components and the batching settings it applies to every batcher. */
export interface ClientComponents {
  pool: PoolManager;
  clusters: Iterable<ClientClusterConfig>;
  breakers: CircuitBreakerRegistry;
  /** The open-circuit fallback of clusters without one of their own. */
  fallback: BreakerFallback;
  /** The fallbacks clusters were given on their own (taking precedence over `fallback`, none included). */
  clusterFallbacks: ReadonlyMap<string, BreakerFallback>;
  /** The batching settings given so far (each batcher resolves them over the batching package's defaults). */
  batching: RequestBatchingConfig;
  router: Router;
  scheduler: QosScheduler;
}

/** Asks each component of a client for its settings in force. */
export function collectClientSettings(components: ClientComponents): NetworkClientSettings {
  const { breakers, router } = components;
  const clusters = [...components.clusters];
  const clusterBreakers: Record<string, CircuitBreakerConfig> = {};
  const { fallback, clusterFallbacks } = components;
  for (const { cluster } of clusters) {
    const own = (clusterFallbacks.get(cluster) ?? fallback).config;
    clusterBreakers[cluster] = { ...breakers.optionsFor(cluster), cluster, fallback: own };
  }
  return {
    pool: components.pool.options,
    clusters,
    breaker: { ...breakers.currentOptions, fallback: fallback.config },
    clusterBreakers,
    batching: batchingSettings(resolveBatcherOptions(components.batching)),
    routing: {
      routes: [...router.table.routes],
      classes: [...router.qosClasses],
      defaultClass: router.table.defaultQosClass,
      adaptiveConcurrency: components.scheduler.concurrencySettings,
    },
  };
}
