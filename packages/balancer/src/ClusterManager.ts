import { inject, injectable, optional } from 'inversify';
import { TOKENS } from '@slipstream/contracts';
import type {
  ClusterStats,
  Disposer,
  EventBus,
  LoadBalancingConfig,
  Logger,
  TopicPayload,
} from '@slipstream/contracts';
import { Cluster } from './Cluster';
import type { ClusterDeps } from './Cluster';
import type { HealthChecker } from './HealthChecker';
import { resolveHealthCheckOptions } from './HealthChecker';

interface Managed {
  cluster: Cluster;
  stopHealth: Disposer;
}

/**
 * The clusters of the sidecar by name. `configure` builds (or replaces) a cluster from its
 * `LoadBalancingConfig`, starts its active health checks, and publishes ejections,
 * restorations and failovers on the bus when one is bound.
 */
@injectable()
export class ClusterManager {
  private readonly clusters = new Map<string, Managed>();

  constructor(
    @inject(TOKENS.HealthChecker) private readonly healthChecker: HealthChecker,
    @inject(TOKENS.EventBus) @optional() private readonly bus?: EventBus,
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
  ) {}

  /**
   * Builds the cluster `config.cluster` (replacing one of that name) and starts its health
   * checks. Throws `ConfigError` before touching the old one when the config is invalid.
   */
  configure(config: LoadBalancingConfig, deps: Omit<ClusterDeps, 'hooks'> = {}): Cluster {
    const healthOptions = resolveHealthCheckOptions(config.healthCheck ?? {});
    const name = config.cluster;
    const cluster = new Cluster(config, {
      ...deps,
      hooks: {
        onEjected: (e, durationMs, failures) =>
          this.emit('network.endpoint.ejected', { cluster: name, endpoint: e.origin, durationMs, failures }),
        onRestored: (e) => this.emit('network.endpoint.restored', { cluster: name, endpoint: e.origin }),
        onFailover: (fromTier, toTier, healthyPercent) =>
          this.emit('network.failover', { cluster: name, fromTier, toTier, healthyPercent }),
      },
    });
    this.remove(name);
    this.clusters.set(name, { cluster, stopHealth: this.healthChecker.watch(cluster, healthOptions) });
    return cluster;
  }

  /** The cluster of that name. */
  get(name: string): Cluster | undefined {
    return this.clusters.get(name)?.cluster;
  }

  /** Stops and forgets a cluster. */
  remove(name: string): boolean {
    const managed = this.clusters.get(name);
    if (!managed) return false;
    managed.stopHealth();
    managed.cluster.close();
    return this.clusters.delete(name);
  }

  /** Measured state of every cluster. */
  stats(): ClusterStats[] {
    return [...this.clusters.values()].map((m) => m.cluster.stats());
  }

  /** Stops every cluster's timers and health checks. */
  close(): void {
    for (const name of [...this.clusters.keys()]) this.remove(name);
  }

  private emit<T extends 'network.endpoint.ejected' | 'network.endpoint.restored' | 'network.failover'>(
    topic: T,
    payload: TopicPayload<T>,
  ): void {
    this.bus
      ?.publish(topic, payload)
      .catch((error: unknown) => this.logger?.warn('publish failed', { topic, error }));
  }
}
