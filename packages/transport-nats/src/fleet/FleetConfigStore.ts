import type { NatsConnection } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';

import {
  openFleetBucket,
  resolveFleetConfigLocation,
  type FleetConfigLocation,
  type FleetNodeStatus,
  type ResolvedFleetConfigLocation,
} from './fleetConfigBucket';

/** Options of `FleetConfigStore.open`. */
export interface FleetConfigStoreOptions<C> extends FleetConfigLocation {
  /**
   * Validates a configuration before it is stored: returns it (defaults applied or not, as the
   * caller likes) or throws (a `ConfigError` naming the path). The same function the nodes use.
   */
  validate: (input: unknown) => C;
}

/**
 * The fleet's configuration in a JetStream key-value bucket: `push` validates a configuration
 * and stores it as a new revision, which every `FleetConfigWatcher` on the bucket applies;
 * `status` lists the revision each node runs. What `slipstream config push|status` calls.
 */
export class FleetConfigStore<C = unknown> {
  readonly #kv: KV;
  readonly #validate: (input: unknown) => C;

  private constructor(
    readonly location: ResolvedFleetConfigLocation,
    kv: KV,
    validate: (input: unknown) => C,
  ) {
    this.#kv = kv;
    this.#validate = validate;
  }

  /** Opens the store on `nc` (the caller owns the connection), creating the bucket when missing. */
  static async open<C>(
    nc: NatsConnection,
    options: FleetConfigStoreOptions<C>,
  ): Promise<FleetConfigStore<C>> {
    const location = resolveFleetConfigLocation(options);
    return new FleetConfigStore(location, await openFleetBucket(nc, location.bucket), options.validate);
  }

  /**
   * Validates `config` and stores it as the fleet's next revision; resolves with that revision.
   * An invalid configuration rejects with the validator's error and stores nothing.
   */
  async push(config: unknown): Promise<{ revision: number }> {
    this.#validate(config);
    const revision = await this.#kv.put(this.location.key, JSON.stringify(config));
    return { revision };
  }

  /** The latest stored revision and its configuration, or undefined when nothing was pushed. */
  async latest(): Promise<{ revision: number; config: unknown } | undefined> {
    const entry = await this.#kv.get(this.location.key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { revision: entry.revision, config: entry.json() };
  }

  /** Each node's status as it recorded it, sorted by node name. */
  async status(): Promise<FleetNodeStatus[]> {
    const nodes: FleetNodeStatus[] = [];
    const keys = await this.#kv.keys(`${this.location.key}.status.*`);
    for await (const key of keys) {
      const entry = await this.#kv.get(key);
      if (entry !== null && entry.operation === 'PUT') nodes.push(entry.json<FleetNodeStatus>());
    }
    return nodes.sort((a, b) => a.node.localeCompare(b.node));
  }
}
