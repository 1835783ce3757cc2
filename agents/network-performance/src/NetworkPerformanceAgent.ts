import {
  ConfigError,
  TOKENS,
  type AdvancedRoutingConfig,
  type AdvancedRoutingResult,
  type AgentContext,
  type AgentHealth,
  type CircuitBreakerConfig,
  type CircuitBreakerResult,
  type ConnectionPoolingConfig,
  type ConnectionPoolingResult,
  type Disposer,
  type LoadBalancingConfig,
  type LoadBalancingResult,
  type Logger,
  type NetworkBenchmarkOptions,
  type NetworkBenchmarkResult,
  type NetworkMonitoringConfig,
  type NetworkMonitoringResult,
  type NetworkOptimizationResult,
  type NetworkPerformanceAgentContract,
  type RequestBatchingConfig,
  type RequestBatchingResult,
} from '@slipstream/contracts';
import { mergeBatchStats } from '@slipstream/batching';
import type { ClientClusterConfig, NetworkClient } from '@slipstream/client';
import type { PoolManager } from '@slipstream/http';
import {
  MONITOR_TOKENS,
  monitoringSettings,
  refuseStartOnlyMonitoring,
  type AdminServer,
  type AlertManager,
  type MetricsRegistry,
  type SnapshotPublisher,
} from '@slipstream/monitor';
import { inject, injectable } from 'inversify';
import { withoutTlsKeys } from './commands/withoutTlsKeys';
import { checkPayload } from './commands/checkPayload';
import { registerCommands } from './commands/registerCommands';
import { AgentNotStartedError } from './errors/AgentNotStartedError';
import { machineInfo } from './measure/machineInfo';
import { benchmarkWorkload } from './measure/benchmarkWorkload';
import { directTarget } from './measure/directTarget';
import { measureWorkload, type Workload } from './measure/measureWorkload';
import { NETWORK_PERFORMANCE_OPTIONS } from './NETWORK_PERFORMANCE_OPTIONS';
import {
  AGENT_DEFAULTS,
  resolveAgentOptions,
  type NetworkPerformanceAgentOptions,
  type ResolvedAgentOptions,
} from './NetworkPerformanceAgentOptions';
import { applyPatch } from './optimize/applyPatch';
import { optimizeNetwork } from './optimize/optimizeNetwork';

/** The services the agent resolves from the container when it starts. */
interface Services {
  client: NetworkClient;
  pool: PoolManager;
  registry: MetricsRegistry;
  alerts: AlertManager;
  snapshots: SnapshotPublisher;
  admin: AdminServer;
}

/**
 * The sidecar through which every agent's outbound traffic flows. It owns the pipeline's
 * services (NetworkClient, pools, metrics registry, alerts, snapshots, admin server), all
 * resolved from the container in `start()` and drained in `stop()`; it configures them on
 * request (`implement*`, also as `network.*.configure` bus commands) and measures them
 * (`benchmarkNetworkPerformance`, `optimizeNetworkPerformance`). The hot path stays in the
 * pipeline: the agent only configures and measures. It keeps no settings of its own: what is in
 * force is what the client (`NetworkClient.settings()`) and the monitor services report.
 */
@injectable()
export class NetworkPerformanceAgent implements NetworkPerformanceAgentContract {
  readonly id = 'network-performance';
  readonly role = 'Network Performance Enhancement Engine';
  readonly capabilities = [
    'connection-pooling',
    'request-batching',
    'load-balancing',
    'circuit-breaking',
    'network-monitoring',
    'advanced-routing',
    'benchmarking',
    'optimization',
  ] as const;
  /** The validated options the pipeline was built from. */
  readonly options: ResolvedAgentOptions;
  #services: Services | undefined;
  #logger: Logger | undefined;
  #commands: Disposer[] = [];
  /** Measurements run one at a time, so two never share (and skew) the pipeline. */
  #measuring: Promise<unknown> = Promise.resolve();
  /** True while `network.optimize` sends one of its own configure calls (which must not wait for itself). */
  #optimizerConfiguring = false;

  /** Validates `options` (a `ConfigError` naming the path when invalid). */
  constructor(@inject(NETWORK_PERFORMANCE_OPTIONS) options: NetworkPerformanceAgentOptions) {
    this.options = resolveAgentOptions(options);
  }

  /**
   * Resolves the pipeline's services, starts alerts, snapshots and (when enabled) the admin
   * server, and answers the `network.*` commands. When a step fails (the admin server cannot
   * listen, say), what was started is stopped again before the error is rethrown.
   */
  async start(ctx: AgentContext): Promise<void> {
    const get = <T>(id: symbol): T => ctx.services.get<T>(id);
    this.#logger = ctx.logger;
    const services: Services = {
      client: get(TOKENS.NetworkClient),
      pool: get(TOKENS.PoolManager),
      registry: get(TOKENS.MetricsRegistry),
      alerts: get(TOKENS.AlertManager),
      snapshots: get(MONITOR_TOKENS.SnapshotPublisher),
      admin: get(TOKENS.AdminServer),
    };
    this.#services = services;
    const monitoring = this.options.monitoring;
    try {
      services.alerts.start();
      services.snapshots.setIntervalMs(monitoring.snapshotIntervalMs ?? AGENT_DEFAULTS.snapshotIntervalMs);
      services.snapshots.start();
      if (monitoring.admin?.enabled === true) await services.admin.start();
      this.#commands = registerCommands(ctx.bus, this);
    } catch (err) {
      services.snapshots.stop();
      services.alerts.stop();
      await services.admin.close();
      this.#services = undefined;
      throw err;
    }
  }

  /** Stops answering commands, stops snapshots, alerts and the admin server, drains the client, then closes the pools. */
  async stop(): Promise<void> {
    for (const dispose of this.#commands.splice(0)) dispose();
    const services = this.#services;
    if (!services) return;
    services.snapshots.stop();
    services.alerts.stop();
    await services.admin.close();
    await services.client.close();
    await services.pool.close();
    services.registry.close();
    this.#services = undefined;
  }

  /** Ready once started; details carry the measured health score and window figures. */
  health(): AgentHealth {
    const services = this.#services;
    if (!services) return { live: true, ready: false };
    const { score } = services.registry.health();
    const { requests, errorRate } = services.registry.performance();
    return {
      live: true,
      ready: true,
      details: { healthScore: score, requests, errorRate, alertsFiring: services.alerts.firing().length },
    };
  }

  /** Applies pool settings over those in force; returns them and the measured pool stats. */
  implementConnectionPooling(config: ConnectionPoolingConfig): Promise<ConnectionPoolingResult> {
    return this.#run(() => {
      checkPayload('network.pooling.configure', config);
      const { client } = this.#started();
      const applied = { ...client.configurePooling(config) };
      return { applied, pools: client.stats().pools };
    });
  }

  /**
   * Applies batching settings over those in force; returns every setting in force (defaults
   * filled in by the batching package) and the measured batch stats of every cluster, summed.
   */
  implementRequestBatching(config: RequestBatchingConfig): Promise<RequestBatchingResult> {
    return this.#run(() => {
      checkPayload('network.batching.configure', config);
      const { client } = this.#started();
      client.configureBatching(config);
      return {
        applied: client.settings().batching,
        stats: mergeBatchStats(Object.values(client.stats().batching)),
      };
    });
  }

  /**
   * Builds or replaces a cluster: fields omitted keep their value in force (a new cluster needs
   * `endpoints`). A config naming only the cluster changes nothing and returns its stats.
   * `applied` is the cluster's config in force as the client reports it (origins canonical),
   * without the private keys of its client certificates (`withoutTlsKeys`).
   */
  implementLoadBalancing(config: LoadBalancingConfig): Promise<LoadBalancingResult> {
    return this.#run(() => {
      checkPayload('network.balancing.configure', config);
      const { client } = this.#started();
      const current = clusterOf(client, config.cluster);
      if (!current && config.endpoints === undefined) {
        throw new ConfigError([
          { path: 'endpoints', expected: 'the endpoints of the new cluster', received: 'undefined' },
        ]);
      }
      if (!current || Object.keys(config).length > 1) client.configureCluster({ ...current, ...config });
      return {
        applied: withoutTlsKeys(clusterOf(client, config.cluster)!),
        stats: this.#clusterStats(client, config.cluster),
      };
    });
  }

  /**
   * Applies breaker settings over those in force: with `cluster` (a configured one) to that
   * cluster's breakers, over the settings for every cluster; without, to every cluster (a
   * cluster's own settings still win, as in the breaker registry). `applied` carries every
   * setting in force where the config applied — that cluster's, or those for every cluster —
   * as the client reports them (`NetworkClient.settings()`), defaults filled in, with the
   * open-circuit `fallback` that scope answers with (null: none); `breakers` the stats of the same scope.
   */
  implementCircuitBreaker(config: CircuitBreakerConfig): Promise<CircuitBreakerResult> {
    return this.#run(() => {
      checkPayload('network.breaker.configure', config);
      const { client } = this.#started();
      const name = config.cluster;
      const cluster = name === undefined ? undefined : clusterOf(client, name);
      if (name !== undefined && !cluster) {
        const names = client.settings().clusters.map((c) => c.cluster);
        throw new ConfigError([{ path: 'cluster', expected: names.join(' | '), received: name }]);
      }
      client.configureBreakers(config);
      const origins = cluster ? new Set(originsOf(cluster)) : undefined;
      const breakers = client.stats().breakers.filter((b) => !origins || origins.has(b.endpoint));
      const settings = client.settings();
      return { applied: name === undefined ? settings.breaker : settings.clusterBreakers[name]!, breakers };
    });
  }

  /**
   * Applies alert rules, the snapshot period, the latency objective, the window length (a new
   * length resets the sliding windows, see `MetricsRegistry.setWindowMs`), the admin server's
   * address and token (restarted there when running) and its on/off. An invalid config is
   * refused with a `ConfigError` naming the field and nothing changes. The admin server is
   * dealt with first: when it cannot listen (new address, or being switched on) it is put back
   * as it was, the alert rules too, and the step rejects with the listen error before any
   * other setting changed. `applied` reports every setting in force as the monitor services
   * report them (`monitoringSettings`; `admin.enabled`: whether it listens), with `tracing`,
   * `accessLog` and `prometheus` as the pipeline was built: a change of them is refused
   * (`ConfigError`).
   */
  implementNetworkMonitoring(config: NetworkMonitoringConfig): Promise<NetworkMonitoringResult> {
    return this.#run(async () => {
      checkPayload('network.monitoring.configure', config);
      const { tracing, accessLog, prometheus } = this.options.monitoring;
      refuseStartOnlyMonitoring({ tracing, accessLog, prometheus }, config);
      const services = this.#started();
      const { registry, alerts, admin, snapshots } = services;
      const previousRules = alerts.rules;
      if (config.alertRules) alerts.setRules(config.alertRules);
      const previousAdmin = admin.settings;
      const adminConfig = { ...previousAdmin, ...config.admin };
      try {
        await this.#moveAdmin(admin, previousAdmin, adminConfig);
        try {
          await this.#switchAdmin(admin, config.admin?.enabled);
        } catch (err) {
          await this.#moveAdmin(admin, adminConfig, previousAdmin);
          throw err;
        }
      } catch (err) {
        if (config.alertRules) alerts.setRules(previousRules);
        throw err;
      }
      if (config.sloLatencyMs !== undefined) registry.setSloLatencyMs(config.sloLatencyMs);
      if (config.windowMs !== undefined) registry.setWindowMs(config.windowMs);
      if (config.snapshotIntervalMs !== undefined) snapshots.setIntervalMs(config.snapshotIntervalMs);
      const result: NetworkMonitoringResult = {
        applied: { ...monitoringSettings(services), tracing, accessLog, prometheus },
        health: registry.health(),
        metrics: registry.performance(),
        metricsCollected: registry.metricsCollected,
        alertsFired: alerts.alertsFired,
      };
      if (admin.url !== undefined) result.adminUrl = admin.url;
      return result;
    });
  }

  /**
   * Replaces routes, classes and (when given) the concurrency settings; an invalid table is refused
   * and the old one stays. `applied` reports the routes, classes, default class and concurrency
   * settings in force as the client reports them, defaults filled in.
   */
  implementAdvancedRouting(config: AdvancedRoutingConfig): Promise<AdvancedRoutingResult> {
    return this.#run(() => {
      checkPayload('network.routing.configure', config);
      const { client } = this.#started();
      client.configureRouting(config);
      return { applied: client.settings().routing, stats: client.stats().routing };
    });
  }

  /**
   * Measures the running system under the configured workload (`options.workload`), plans
   * from the measurement and A/B-tests the plan against the settings in force (see
   * `optimizeNetwork`); an empty plan changes nothing and claims nothing.
   */
  optimizeNetworkPerformance(): Promise<NetworkOptimizationResult> {
    return this.#exclusive(() => {
      const { client } = this.#started();
      return optimizeNetwork({
        client,
        workload: this.options.workload,
        logger: this.#logger,
        settings: () => {
          const { pool, clusters, breaker, batching, routing } = client.settings();
          return {
            pool,
            clusters,
            breakerResetMs: breaker.resetTimeoutMs!,
            batchDelayMs: batching.maxDelayMs!,
            concurrency: {
              enabled: routing.adaptiveConcurrency.enabled!,
              initialLimit: routing.adaptiveConcurrency.initialLimit!,
              maxLimit: routing.adaptiveConcurrency.maxLimit!,
            },
          };
        },
        configure: (patch) => {
          this.#optimizerConfiguring = true;
          try {
            return applyPatch(this, patch);
          } finally {
            this.#optimizerConfiguring = false;
          }
        },
      });
    });
  }

  /**
   * Sends the same workload two ways and reports both and their ratios (candidate ÷ baseline).
   * Baseline: no pipeline — each request opens a new connection of its own (`directTarget`)
   * to the endpoints of the workload's cluster in turn, as a client without pooling does.
   * Candidate: the live pipeline (pooling, balancing, breakers, routing as configured), warmed
   * by an unmeasured pass. The two run in interleaved pairs of blocks (`benchmarkWorkload`), so
   * the ratios are what the pipeline gains over plain per-request connections on this machine
   * and upstream, each with its paired range, not pass 1 against pass 2.
   * `target` is a path (routed, else sent to the workload's cluster) or a URL of a configured
   * endpoint; the other fields default to `options.workload`.
   */
  benchmarkNetworkPerformance(options: NetworkBenchmarkOptions = {}): Promise<NetworkBenchmarkResult> {
    return this.#exclusive(async () => {
      checkPayload('network.benchmark', options);
      const { client } = this.#started();
      const workload: Workload = {
        ...this.#target(client, options.target),
        requests: options.requests ?? this.options.workload.requests,
        concurrency: options.concurrency ?? this.options.workload.concurrency,
        maxDurationMs: options.maxDurationMs ?? this.options.workload.maxDurationMs,
      };
      const figures = await benchmarkWorkload(
        directTarget(this.#originsOf(client, workload.cluster)),
        client,
        workload,
        () => this.#warmUp(client, workload),
      );
      return {
        workload: {
          target: options.target ?? workload.path,
          requests: workload.requests,
          concurrency: workload.concurrency,
        },
        ...figures,
        baseline: { ...figures.baseline, label: 'no pipeline: a new connection per request' },
        candidate: { ...figures.candidate, label: 'pipeline, after a warm-up pass' },
        machine: machineInfo(),
      };
    });
  }

  /**
   * One unmeasured pass of `WARMUP_ROUNDS` × `concurrency` requests of `workload` on the
   * pipeline (at most the workload's count, same time cap), which opens the connections the
   * measured blocks will reuse.
   */
  async #warmUp(client: NetworkClient, workload: Workload): Promise<void> {
    const requests = Math.min(workload.requests, WARMUP_ROUNDS * workload.concurrency);
    await measureWorkload(client, { ...workload, requests });
  }

  /** The origins of a configured cluster's endpoints (all clusters' when it is not configured). */
  #originsOf(client: NetworkClient, cluster: string | undefined): string[] {
    const configured = cluster === undefined ? undefined : clusterOf(client, cluster);
    return (configured ? [configured] : client.settings().clusters).flatMap(originsOf);
  }

  #target(client: NetworkClient, target: string | undefined): Pick<Workload, 'path' | 'cluster'> {
    const { path, cluster } = this.options.workload;
    if (target === undefined) return { path, cluster };
    if (target.startsWith('/')) return { path: target, cluster };
    const url = URL.canParse(target) ? new URL(target) : undefined;
    const owner = url ? client.clusterOf(url.origin) : undefined;
    if (!url || owner === undefined) {
      throw new ConfigError([
        { path: 'target', expected: 'a path or the URL of a configured endpoint', received: target },
      ]);
    }
    return { path: `${url.pathname}${url.search}`, cluster: owner };
  }

  #clusterStats(client: NetworkClient, name: string): LoadBalancingResult['stats'] {
    return client.stats().clusters.find((c) => c.cluster === name)!;
  }

  #started(): Services {
    if (!this.#services) throw new AgentNotStartedError(`agent "${this.id}" is not running`);
    return this.#services;
  }

  /**
   * Runs a configure step as a promise, so a synchronous refusal becomes a rejection. While an
   * optimize or benchmark runs, the step waits for it to end (an operator's change made during
   * the A/B would otherwise be overwritten by its undo); the optimizer's own calls go at once.
   */
  async #run<T>(step: () => T | Promise<T>): Promise<T> {
    if (this.#optimizerConfiguring) return step();
    return this.#measuring.then(step, step);
  }

  #exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#measuring.then(step, step);
    this.#measuring = run.catch(() => undefined);
    return run;
  }

  /** Gives the admin server the address and token of `next` when they differ from `current` (restarting it when running). */
  async #moveAdmin(
    admin: AdminServer,
    current: NonNullable<NetworkMonitoringConfig['admin']>,
    next: NonNullable<NetworkMonitoringConfig['admin']>,
  ): Promise<void> {
    if (
      next.host === current.host &&
      next.port === current.port &&
      next.bearerToken === current.bearerToken &&
      next.allowRemote === current.allowRemote
    ) {
      return;
    }
    await admin.reconfigure({
      host: next.host,
      port: next.port,
      bearerToken: next.bearerToken,
      allowRemote: next.allowRemote,
    });
  }

  /** Starts (true) or closes (false) the admin server; undefined changes nothing. */
  async #switchAdmin(admin: AdminServer, enabled: boolean | undefined): Promise<void> {
    if (enabled === true) await admin.start();
    if (enabled === false) await admin.close();
  }
}

/** The config in force of the client's cluster `name` (origins canonical), if it has one. */
function clusterOf(client: NetworkClient, name: string): ClientClusterConfig | undefined {
  return client.settings().clusters.find((c) => c.cluster === name);
}

/** The origins of a cluster's endpoints. */
function originsOf(cluster: ClientClusterConfig): string[] {
  return cluster.endpoints?.map((e) => new URL(e.origin).origin) ?? [];
}

/** Warm-up pass of `#warmUp`: this many requests per worker (bounded by the workload's count). */
const WARMUP_ROUNDS = 2;
