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
import type { BalancerAlgorithmRegistry } from './algorithms/createBalancer';
import type { HealthChecker } from './HealthChecker';
import { resolveHealthCheckOptions } from './HealthChecker';

interface Managed {
  cluster: Cluster;
  /** Stops the cluster's active health checks (nothing to stop when they are off). */
  stopHealth: Disposer;
}

const NOTHING_TO_STOP: Disposer = () => undefined;

/**
 * The clusters of the sidecar by name. `configure` builds a cluster from its
 * `LoadBalancingConfig` (or reconfigures the one of that name in place, keeping the state of
 * the endpoints that stay), runs its active health checks when the config has a `healthCheck`
 * section, and publishes ejections, restorations and failovers on the bus when one is bound.
 */
@injectable()
export class ClusterManager {
  private readonly clusters = new Map<string, Managed>();

  constructor(
    @inject(TOKENS.HealthChecker) private readonly healthChecker: HealthChecker,
    @inject(TOKENS.EventBus) @optional() private readonly bus?: EventBus,
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
    /** The implementations of the algorithm names (a container module may rebind them). */
    @inject(TOKENS.BalancerAlgorithms) @optional() private readonly algorithms?: BalancerAlgorithmRegistry,
  ) {}

  /**
   * Builds the cluster `config.cluster`, or reconfigures the existing one in place (see
   * `Cluster.reconfigure`; `deps` only apply to a new cluster). Health checks run only when
   * `config.healthCheck` is given; when a reconfiguration turns them off, their verdicts are
   * lifted (every endpoint healthy again). Throws `ConfigError` and changes nothing when the
   * config is invalid.
   */
  configure(config: LoadBalancingConfig, deps: Omit<ClusterDeps, 'hooks'> = {}): Cluster {
    const healthOptions = config.healthCheck && resolveHealthCheckOptions(config.healthCheck);
    const name = config.cluster;
    const existing = this.clusters.get(name);
    let cluster: Cluster;
    if (existing) {
      existing.cluster.reconfigure(config);
      existing.stopHealth();
      cluster = existing.cluster;
      if (!healthOptions) for (const e of cluster.endpoints) cluster.setHealthy(e.origin, true);
    } else {
      cluster = new Cluster(config, {
        algorithms: this.algorithms,
        ...deps,
        hooks: {
          onEjected: (e, durationMs, failures) =>
            this.emit('network.endpoint.ejected', {
              cluster: name,
              endpoint: e.origin,
              durationMs,
              failures,
            }),
          onRestored: (e) => this.emit('network.endpoint.restored', { cluster: name, endpoint: e.origin }),
          onFailover: (fromTier, toTier, healthyPercent) =>
            this.emit('network.failover', { cluster: name, fromTier, toTier, healthyPercent }),
        },
      });
    }
    const stopHealth = healthOptions ? this.healthChecker.watch(cluster, healthOptions) : NOTHING_TO_STOP;
    this.clusters.set(name, { cluster, stopHealth });
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
