import {
  connectWithOptions,
  FleetConfigStore,
  resolveNatsTransportOptions,
  type FleetNodeStatus,
  type NatsTransportOptions,
} from '@slipstream/transport-nats';
import type { FleetSection } from '@slipstream/config';
import { loadConfigFile } from '@slipstream/core';
import { z } from 'zod';
import { parseFleetConfig } from './parseFleetConfig';

/** Where `pushConfig` and `configStatus` find the fleet: the NATS connection and the bucket. */
export interface FleetCommandOptions extends Pick<FleetSection, 'bucket' | 'key'> {
  /** NATS server URLs, e.g. `nats://127.0.0.1:4222`. */
  servers: string[];
  /** Authentication, as the `bus.auth` section. Defaults to none. */
  auth?: NatsTransportOptions['auth'];
  /** TLS, as the `bus.tls` section. Defaults to plain TCP. */
  tls?: NatsTransportOptions['tls'];
}

/** What `configStatus` returns: the latest revision in the bucket and each node's. */
export interface FleetConfigStatus {
  /** The latest revision pushed; undefined when nothing was. */
  latest: number | undefined;
  /** Each node's status as it recorded it, sorted by node name. */
  nodes: FleetNodeStatus[];
}

/**
 * `slipstream config push FILE`: reads `file` (YAML or JSON: a `network` section), validates it
 * as every sidecar will (`parseFleetConfig`) and stores it as the fleet's next revision.
 * Resolves with that revision; an invalid file rejects with a `ConfigError` naming the path and
 * stores nothing.
 */
export async function pushConfig(options: FleetCommandOptions & { file: string }): Promise<number> {
  const input = await loadConfigFile(options.file, z.unknown());
  return withStore(options, async (store) => (await store.push(input)).revision);
}

/** `slipstream config status`: the latest revision and the revision each node runs. */
export function configStatus(options: FleetCommandOptions): Promise<FleetConfigStatus> {
  return withStore(options, async (store) => ({
    latest: (await store.latest())?.revision,
    nodes: await store.status(),
  }));
}

/** Opens the store on a connection of its own, runs `use`, and closes the connection. */
async function withStore<T>(
  options: FleetCommandOptions,
  use: (store: FleetConfigStore) => Promise<T>,
): Promise<T> {
  const { servers, auth, tls, bucket, key } = options;
  const nc = await connectWithOptions(
    resolveNatsTransportOptions(
      { servers, name: 'slipstream-config', ...(auth ? { auth } : {}), ...(tls ? { tls } : {}) },
      'connection',
    ),
  );
  try {
    const store = await FleetConfigStore.open(nc, {
      ...(bucket === undefined ? {} : { bucket }),
      ...(key === undefined ? {} : { key }),
      validate: parseFleetConfig,
    });
    return await use(store);
  } finally {
    await nc.close();
  }
}
