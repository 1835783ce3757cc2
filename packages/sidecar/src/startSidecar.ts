import {
  configuredAgents,
  NetworkPerformanceAgent,
  networkPerformanceModules,
} from '@slipstream/agent-network-performance';
import { ConfigError, type Logger } from '@slipstream/contracts';
import { createLogger, Orchestrator } from '@slipstream/core';
import { natsTransportModule, type NatsTransportOptions } from '@slipstream/transport-nats';
import { loadSidecarConfig } from './config/loadSidecarConfig';
import { parseSidecarConfig, type SidecarConfig, type SidecarConfigInput } from './config/SidecarConfig';
import { NetworkProxyAgent } from './remote/NetworkProxyAgent';
import { FleetConfigAgent } from './fleet/FleetConfigAgent';
import type { FleetConfig } from './fleet/parseFleetConfig';
import { applyConfigChange, type ConfigChange } from './reload/applyConfigChange';
import { watchConfigFile, type ConfigFileWatch } from './reload/watchConfigFile';
import { SidecarAgent } from './SidecarAgent';
import type { ProxyStatsSnapshot } from './proxy/ProxyStats';

/** Options of `startSidecar`: a config file (reloadable) or a config object. */
export interface StartSidecarOptions {
  /** Path of the YAML/JSON config file; `reload()` reads it again. One of `configFile` and `config` is required. */
  configFile?: string;
  /** The configuration itself (then `reload()` takes a new one as its argument). */
  config?: SidecarConfigInput;
  /** Root logger. Defaults to `createLogger(config.log)`. */
  logger?: Logger;
}

/** A running sidecar process's parts. */
export interface RunningSidecar {
  /** The proxy's URL, e.g. `http://127.0.0.1:15001`. */
  readonly proxyUrl: string;
  /** The admin server's URL; undefined when `sidecar.admin.enabled` is false. */
  readonly adminUrl: string | undefined;
  /** The orchestrator running the NetworkPerformanceAgent, the proxy agent and the sidecar agent. */
  readonly orchestrator: Orchestrator;
  /** The root logger (the config's `log` section unless one was given). */
  readonly logger: Logger;
  /** The listener's counters. */
  stats(): ProxyStatsSnapshot;
  /**
   * Validates the config (the file again, or `input`) and applies what changed. An invalid config
   * is refused with its `ConfigError` and the one in force stays.
   */
  reload(input?: SidecarConfigInput): Promise<ConfigChange>;
  /**
   * Drains the proxy, then stops every agent and leaves the bus, within `orchestrator.drainTimeoutMs`:
   * past it (a NATS server gone holds the bus) the bus connection is closed hard.
   */
  stop(): Promise<void>;
}

/**
 * Starts the sidecar: validates the config (`parseSidecarConfig`), runs an orchestrator on the
 * configured bus (in-process or NATS) with the NetworkPerformanceAgent (whose `network.*`
 * commands other processes send over the bus), the `NetworkProxyAgent` (`network.proxy.*`
 * commands for remote agents), the `SidecarAgent` (the loopback proxy and admin server) and the
 * agents the `agents` section names.
 * With a config file and `sidecar.watch`, a change of the file reloads it. With a `fleet` section,
 * the `FleetConfigAgent` applies the bucket's latest revision before this resolves, then each new
 * one, through the same reload path (a revision's `network` replaces the file's). Rejects with a
 * `ConfigError` for a bad config, or with the start error of an agent (after stopping the others).
 */
export async function startSidecar(options: StartSidecarOptions): Promise<RunningSidecar> {
  const file = options.configFile;
  let config: SidecarConfig;
  if (file !== undefined) config = await loadSidecarConfig(file);
  else if (options.config !== undefined) config = await parseSidecarConfig(options.config);
  else throw new TypeError('startSidecar needs `configFile` or `config`');
  const logger = options.logger ?? createLogger(config.core.log);
  const network = new NetworkPerformanceAgent(config.network);
  const sidecar = new SidecarAgent(config.sidecar);
  /** The `network` section of the fleet revision in force; it overrides the file's. */
  let fleetNetwork: FleetConfig['network'] | undefined;
  let reloading: Promise<unknown> = Promise.resolve();
  /**
   * The one reload path (SIGHUP, file change, `reload()`, fleet revision), one at a time:
   * applies `next` (the file's or the given config, with the fleet's `network` when one is in
   * force or `fleet` is given) all or nothing: a step that throws is undone by applying the config
   * in force again, and the throw is passed on.
   */
  const applyNext = (build: () => Promise<SidecarConfig>, fleet?: FleetConfig): Promise<ConfigChange> => {
    const run = reloading.then(async () => {
      const next = await build();
      const fleetNet = fleet === undefined ? fleetNetwork : fleet.network;
      const composed = fleetNet === undefined ? next : { ...next, network: fleetNet };
      refuseSecondAdminServer(sidecar.adminUrl, composed);
      let change: ConfigChange;
      try {
        change = await applyConfigChange(config, composed, network);
      } catch (err) {
        await applyConfigChange(composed, config, network).catch((undo: unknown) =>
          logger.error('config reload failed and could not be undone', { error: String(undo) }),
        );
        throw err;
      }
      config = composed;
      fleetNetwork = fleetNet;
      logger.info('sidecar config reloaded', { ...change });
      return change;
    });
    reloading = run.catch(() => undefined);
    return run;
  };
  const reload = (input?: SidecarConfigInput): Promise<ConfigChange> =>
    applyNext(() =>
      input !== undefined || file === undefined
        ? parseSidecarConfig(input ?? options.config)
        : loadSidecarConfig(file),
    );
  const orchestrator = new Orchestrator({ config: config.core, logger })
    .use(natsTransportModule, ...networkPerformanceModules(network))
    .register(network)
    .register(new NetworkProxyAgent())
    .register(sidecar);
  for (const agent of configuredAgents(config.agents)) orchestrator.register(agent);
  if (config.fleet !== undefined) {
    orchestrator.register(
      new FleetConfigAgent({
        fleet: config.fleet,
        bus: config.core.bus as NatsTransportOptions,
        node: config.core.nodeId,
        apply: async (revision) => {
          await applyNext(() => Promise.resolve(config), revision);
        },
      }),
    );
  }
  await orchestrator.start();
  const health = await orchestrator.health();
  const failed = Object.entries(health.agents).filter(([, status]) => status.state === 'failed');
  if (failed.length > 0 || sidecar.proxyUrl === undefined) {
    await orchestrator.stop();
    const [id, status] = failed[0] ?? ['sidecar', { error: { message: 'not listening' } }];
    throw new Error(`sidecar: agent ${id} failed to start: ${status.error?.message ?? 'unknown'}`, {
      cause: status.error,
    });
  }
  const watcher = file !== undefined && config.sidecar.watch ? watchFile(file, reload, logger) : undefined;
  let stopping: Promise<void> | undefined;
  return {
    proxyUrl: sidecar.proxyUrl,
    adminUrl: sidecar.adminUrl,
    orchestrator,
    logger,
    stats: () => sidecar.stats()!,
    reload,
    stop: () => {
      watcher?.close();
      // The orchestrator bounds its stop by the drain timeout, a bus that lost its server included.
      stopping ??= orchestrator.stop();
      return stopping;
    },
  };
}

/**
 * Reloads when `file` changes, however it is saved (in place, by rename, deleted and created
 * again, a symlink pointed elsewhere: see `watchConfigFile`); editors write in bursts: one reload
 * per 100 ms quiet spell. A refused config is logged.
 */
function watchFile(file: string, reload: () => Promise<ConfigChange>, logger: Logger): ConfigFileWatch {
  return watchConfigFile(
    file,
    () => {
      reload().catch((err: unknown) =>
        logger.error('config reload refused; the config in force stays', { error: String(err) }),
      );
    },
    { debounceMs: 100, logger },
  );
}

/**
 * Refuses a reload (file or fleet revision) that turns `network.monitoring.admin` on while the
 * sidecar's own admin server runs (`sidecar.admin`, its address and token fixed until a
 * restart): a second admin server would serve /metrics beside it, without the sidecar's token.
 */
function refuseSecondAdminServer(sidecarAdminUrl: string | undefined, next: SidecarConfig): void {
  if (sidecarAdminUrl === undefined || next.network.monitoring?.admin?.enabled !== true) return;
  throw new ConfigError([
    {
      path: 'network.monitoring.admin.enabled',
      expected: `false or absent while the sidecar's admin server runs (sidecar.admin, at ${sidecarAdminUrl}; one admin server per process)`,
      received: 'true (boolean)',
    },
  ]);
}
