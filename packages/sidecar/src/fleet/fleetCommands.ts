import { BusUnavailableError, ConfigError } from '@slipstream/contracts';
import {
  connectWithOptions,
  FleetConfigStore,
  NatsAuthError,
  resolveNatsTransportOptions,
  type FleetNodeStatus,
  type NatsTransportOptions,
  type ResolvedNatsTransportOptions,
} from '@slipstream/transport-nats';
import type { FleetSection } from '@slipstream/config';
import { loadConfigFile, redactUrls } from '@slipstream/core';
import { z } from 'zod';
import { loadSidecarConfig } from '../config/loadSidecarConfig';
import { parseFleetConfig } from './parseFleetConfig';

/**
 * Where `pushConfig` and `configStatus` find the fleet: the NATS connection and the bucket, from a
 * system config file (the one the sidecars run), from the fields here, or both (the fields win).
 */
export interface FleetCommandOptions extends Pick<FleetSection, 'bucket' | 'key'> {
  /**
   * A system config file, YAML or JSON, validated as `slipstream sidecar` validates it: its `bus`
   * section (`transport: nats`, servers, `auth`, `tls`) is the connection, its `fleet` section
   * gives the bucket and key. Defaults to none.
   */
  configFile?: string;
  /** NATS server URLs, e.g. `nats://127.0.0.1:4222`. Defaults to the file's `bus.servers`, else ['nats://127.0.0.1:4222']. */
  servers?: string[];
  /** Authentication, as the `bus.auth` section; replaces the file's. Defaults to the file's, else none. */
  auth?: NatsTransportOptions['auth'];
  /** TLS, as the `bus.tls` section; replaces the file's. Defaults to the file's, else plain TCP. */
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

/**
 * Opens the store on a connection of its own, runs `use`, and closes the connection. A connect
 * that fails for another reason than the credential (`NatsAuthError`) or an unreadable file
 * (`ConfigError`) rejects with a `BusUnavailableError` naming the servers tried (credentials in
 * their URLs hidden) and what the client said, e.g. `connection refused`.
 */
async function withStore<T>(
  options: FleetCommandOptions,
  use: (store: FleetConfigStore) => Promise<T>,
): Promise<T> {
  const { connection, fleet } = await fleetLocation(options);
  const nc = await connectWithOptions(connection).catch((err: unknown) => {
    if (NatsAuthError.is(err) || ConfigError.is(err)) throw err;
    const servers = redactUrls()(connection.servers.join(', '));
    const reason = err instanceof Error ? err.message : String(err);
    throw new BusUnavailableError(`cannot connect to NATS at ${servers}: ${reason}`, { cause: err });
  });
  try {
    const store = await FleetConfigStore.open(nc, {
      ...(fleet.bucket === undefined ? {} : { bucket: fleet.bucket }),
      ...(fleet.key === undefined ? {} : { key: fleet.key }),
      validate: parseFleetConfig,
    });
    return await use(store);
  } finally {
    await nc.close();
  }
}

/**
 * The connection and the bucket of `options`: the config file's `bus` and `fleet` sections (when
 * given) with the fields of `options` over them. A file whose bus is not NATS is refused with a
 * `ConfigError` naming `bus.transport`.
 */
async function fleetLocation(
  options: FleetCommandOptions,
): Promise<{ connection: ResolvedNatsTransportOptions; fleet: Pick<FleetSection, 'bucket' | 'key'> }> {
  const { configFile, servers, auth, tls, bucket, key } = options;
  const file = configFile === undefined ? undefined : await loadSidecarConfig(configFile);
  const bus = file?.core.bus;
  if (bus !== undefined && bus.transport !== 'nats') {
    throw new ConfigError([
      {
        path: 'bus.transport',
        expected: `"nats" (the fleet's bucket is on NATS) in ${configFile!}`,
        received: JSON.stringify(bus.transport),
      },
    ]);
  }
  const fromFile = (bus ?? {}) as NatsTransportOptions;
  const connection = resolveNatsTransportOptions({
    ...fromFile,
    servers: servers ?? fromFile.servers ?? ['nats://127.0.0.1:4222'],
    name: 'slipstream-config',
    ...(auth === undefined ? {} : { auth }),
    ...(tls === undefined ? {} : { tls }),
  });
  return {
    connection,
    fleet: { bucket: bucket ?? file?.fleet?.bucket, key: key ?? file?.fleet?.key },
  };
}
