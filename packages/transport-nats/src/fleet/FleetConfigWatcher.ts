import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { EventBus, Logger, TopicPayload } from '@slipstream/contracts';

import {
  openFleetBucket,
  resolveFleetConfigLocation,
  statusKey,
  type FleetConfigLocation,
  type FleetNodeStatus,
  type ResolvedFleetConfigLocation,
} from './fleetConfigBucket';

/** Options of `FleetConfigWatcher`. */
export interface FleetConfigWatcherOptions<C> extends FleetConfigLocation {
  /** This node's name, in its reports and its status key. */
  node: string;
  /** Validates a revision's configuration: returns it or throws (a `ConfigError` naming the path). */
  validate: (input: unknown) => C;
  /**
   * Applies a validated configuration, all or nothing (the path a file reload takes); a throw
   * rejects the revision and the previous configuration stays in force.
   */
  apply: (config: C, revision: number) => void | Promise<void>;
  /** Where `config.applied` / `config.rejected` are published. Defaults to none (the status key only). */
  bus?: Pick<EventBus, 'publish'>;
  logger: Logger;
}

/** The configuration in force on a node and its revision. */
export interface AppliedFleetConfig<C> {
  revision: number;
  config: C;
}

/**
 * Keeps one node on the fleet's configuration: on `start()` it applies the latest revision in
 * the bucket (falling back to the newest earlier one that validates when the latest does not),
 * then applies each new revision as it is pushed. Each revision is validated and applied through
 * `apply`; a failure keeps the previous configuration. Each outcome is reported as
 * `config.applied` or `config.rejected` (revision, reason) on the bus and recorded in the
 * node's status key, which `FleetConfigStore.status()` lists.
 */
export class FleetConfigWatcher<C = unknown> {
  readonly location: ResolvedFleetConfigLocation;
  readonly #options: FleetConfigWatcherOptions<C>;
  readonly #logger: Logger;
  #kv: KV | undefined;
  #current: AppliedFleetConfig<C> | undefined;
  #stop: (() => void) | undefined;
  #watching: Promise<void> | undefined;

  constructor(options: FleetConfigWatcherOptions<C>) {
    this.#options = options;
    this.location = resolveFleetConfigLocation(options);
    this.#logger = options.logger.child({ component: 'fleet-config', node: options.node });
  }

  /** The configuration in force and its revision (undefined until one was applied). */
  current(): AppliedFleetConfig<C> | undefined {
    return this.#current;
  }

  /**
   * Opens the bucket on `nc` (the caller owns the connection), applies the latest revision and
   * starts watching for new ones. Resolves once the latest revision was handled, so a node that
   * starts after a push comes up on it.
   */
  async start(nc: NatsConnection): Promise<void> {
    const { key } = this.location;
    const kv = await openFleetBucket(nc, this.location.bucket);
    this.#kv = kv;
    const latest = await kv.get(key);
    if (latest !== null && latest.operation === 'PUT' && !(await this.#handle(latest))) {
      await this.#fallBack(kv, latest.revision);
    }
    const updates = await kv.watch({
      key,
      resumeFromRevision: (latest?.revision ?? 0) + 1,
      ignoreDeletes: true,
    });
    this.#stop = () => updates.stop();
    this.#watching = (async () => {
      for await (const entry of updates) if (entry.operation === 'PUT') await this.#handle(entry);
    })().catch((err: unknown) => {
      this.#logger.error('fleet configuration watch failed', { error: (err as Error).message });
    });
  }

  /** Stops watching; resolves once the revision being applied (if any) is done. */
  async stop(): Promise<void> {
    this.#stop?.();
    this.#stop = undefined;
    await this.#watching;
  }

  /** Applies the newest revision older than `rejected` that validates and applies, if any. */
  async #fallBack(kv: KV, rejected: number): Promise<void> {
    const older: KvEntry[] = [];
    for await (const entry of await kv.history({ key: this.location.key })) {
      if (entry.revision < rejected && entry.operation === 'PUT') older.push(entry);
    }
    for (const entry of older.reverse()) {
      if (await this.#handle(entry, false)) return;
    }
  }

  /**
   * Validates and applies `entry`; reports and records the outcome (a fallback's rejections are
   * only logged: the newest revision's was reported). True when applied.
   */
  async #handle(entry: KvEntry, reportRejection = true): Promise<boolean> {
    const { node, validate, apply } = this.#options;
    const previous = this.#current?.revision;
    try {
      const config = validate(entry.json<unknown>());
      await apply(config, entry.revision);
      this.#current = { revision: entry.revision, config };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.#logger.warn('fleet configuration revision rejected', {
        revision: entry.revision,
        reason,
        current: previous,
      });
      if (reportRejection) {
        await this.#record({
          node,
          revision: previous,
          state: 'rejected',
          lastSeen: entry.revision,
          reason,
          at: Date.now(),
        });
        await this.#publish('config.rejected', {
          node,
          revision: entry.revision,
          reason,
          ...(previous === undefined ? {} : { current: previous }),
        });
      }
      return false;
    }
    this.#logger.info('fleet configuration revision applied', { revision: entry.revision, previous });
    await this.#record({
      node,
      revision: entry.revision,
      state: 'applied',
      lastSeen: entry.revision,
      at: Date.now(),
    });
    await this.#publish('config.applied', {
      node,
      revision: entry.revision,
      ...(previous === undefined ? {} : { previous }),
    });
    return true;
  }

  async #record(status: FleetNodeStatus): Promise<void> {
    await this.#kv
      ?.put(statusKey(this.location.key, status.node), JSON.stringify(status))
      .catch((err: unknown) => {
        this.#logger.error('fleet status could not be recorded', { error: (err as Error).message });
      });
  }

  async #publish<T extends 'config.applied' | 'config.rejected'>(
    topic: T,
    payload: TopicPayload<T>,
  ): Promise<void> {
    await this.#options.bus?.publish(topic, payload).catch((err: unknown) => {
      this.#logger.error(`${topic} could not be published`, { error: (err as Error).message });
    });
  }
}
