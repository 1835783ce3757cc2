import type { NetworkPerformanceAgentOptions } from '@slipstream/agent-network-performance';
import { ConfigError, type CommandName } from '@slipstream/contracts';
import type { FleetConfigStore } from '@slipstream/transport-nats';
import type { FleetConfig } from './parseFleetConfig';

/** The configure commands whose settings a fleet revision can carry. */
export type FleetSettingsCommand = Extract<
  CommandName,
  | 'network.pooling.configure'
  | 'network.batching.configure'
  | 'network.breaker.configure'
  | 'network.balancing.configure'
>;

/**
 * Publishes a configure command's settings to the fleet: reads the latest revision, merges the
 * settings into its `network` section (`pool`, `batching`, `breaker`, or the named cluster of
 * `clusters`) and pushes the result as the next revision (validated as the sidecars will). The
 * PerformanceOptimizer's `fleet` option: its kept changes and its rollbacks become revisions.
 */
export class FleetConfigPusher {
  readonly #store: FleetConfigStore<FleetConfig>;

  /** `store`: the fleet's store, opened with `parseFleetConfig` (the caller owns its connection). */
  constructor(store: FleetConfigStore<FleetConfig>) {
    this.#store = store;
  }

  /**
   * Pushes the latest revision with `settings` merged in; resolves with the new revision. Rejects
   * with a `ConfigError` when nothing was pushed yet or the result does not validate.
   */
  async publish(command: FleetSettingsCommand, settings: Record<string, unknown>): Promise<number> {
    const latest = await this.#store.latest();
    if (latest === undefined) {
      throw new ConfigError([
        {
          path: this.#store.location.key,
          expected: 'a fleet configuration to change',
          received: 'none pushed',
        },
      ]);
    }
    const { network } = latest.config as FleetConfig;
    return (await this.#store.push({ network: withSettings(network, command, settings) })).revision;
  }
}

/** `network` with `settings` of `command` merged into the section that command configures. */
function withSettings(
  network: NetworkPerformanceAgentOptions,
  command: FleetSettingsCommand,
  settings: Record<string, unknown>,
): NetworkPerformanceAgentOptions {
  switch (command) {
    case 'network.pooling.configure':
      return { ...network, pool: { ...network.pool, ...settings } };
    case 'network.batching.configure':
      return { ...network, batching: { ...network.batching, ...settings } };
    case 'network.breaker.configure':
      return { ...network, breaker: { ...network.breaker, ...settings } };
    case 'network.balancing.configure': {
      const { cluster, ...rest } = settings;
      if (!network.clusters.some((c) => c.cluster === cluster)) {
        throw new ConfigError([
          { path: 'network.clusters', expected: 'the cluster the settings name', received: String(cluster) },
        ]);
      }
      return {
        ...network,
        clusters: network.clusters.map((c) => (c.cluster === cluster ? { ...c, ...rest } : c)),
      };
    }
  }
}
