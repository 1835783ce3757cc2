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
import type { ClientClusterConfig } from './NetworkClientOptions';

/**
 * The settings in force of every stage of a `NetworkClient` (`NetworkClient.settings()`), as
 * each component reports them, defaults filled in. The breakers' open-circuit `fallback` is not
 * among them: the client keeps it as the response it serves, not as settings.
 */
export interface NetworkClientSettings {
  /** The pools' settings (`PoolManager.options`). */
  pool: Readonly<Required<ConnectionPoolingConfig>>;
  /**
   * Every cluster's config, as `configureCluster` applied it (origins canonical), in the order
   * they were first configured. These are the client's own objects: read them, do not change them.
   */
  clusters: ClientClusterConfig[];
  /** Breaker settings of every cluster without settings of its own (`CircuitBreakerRegistry.currentOptions`). */
  breaker: CircuitBreakerConfig;
  /** By cluster name: the breaker settings its endpoints use (its own over `breaker`), labelled with the cluster. */
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
  for (const { cluster } of clusters) clusterBreakers[cluster] = { ...breakers.optionsFor(cluster), cluster };
  return {
    pool: components.pool.options,
    clusters,
    breaker: breakers.currentOptions,
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
