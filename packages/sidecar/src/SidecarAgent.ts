import type { NetworkClient } from '@slipstream/client';
import {
  TOKENS,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type Disposer,
  type Logger,
} from '@slipstream/contracts';
import {
  AdminServer,
  MONITOR_TOKENS,
  type AlertManager,
  type InboundTraceContext,
  type MetricsRegistry,
  type PrometheusExporter,
  type RequestMetrics,
  withoutInboundTraceContext,
} from '@slipstream/monitor';
import type { SidecarSection } from '@slipstream/config';
import { SidecarProxy, type DrainReport } from './proxy/SidecarProxy';
import type { ProxyStatsSnapshot } from './proxy/ProxyStats';

/**
 * The sidecar process's listener as an agent: started after the NetworkPerformanceAgent (whose
 * `NetworkClient` it sends through) and stopped before it, so a stop drains the proxy while the
 * pipeline still runs. It owns the proxy listener and the admin server (metrics, stats, health,
 * and a readiness that fails from the moment a drain begins).
 */
export class SidecarAgent implements Agent {
  /** The agent's id. */
  static readonly ID = 'sidecar';
  readonly id = SidecarAgent.ID;
  readonly role = 'Sidecar: a loopback HTTP proxy into the network pipeline, for agents in any language';
  readonly capabilities = ['http-proxy', 'json-rpc-coalescing'] as const;
  readonly dependsOn = ['network-performance'] as const;
  readonly #section: SidecarSection;
  #proxy: SidecarProxy | undefined;
  #admin: AdminServer | undefined;
  #logger: Logger | undefined;
  #lastDrain: DrainReport | undefined;
  #unwatchRoutes: Disposer | undefined;

  constructor(section: SidecarSection) {
    this.#section = section;
  }

  /**
   * Listens on `sidecar.listen` and, when enabled, starts the admin server on `sidecar.admin`.
   * The proxy's Host check follows the client's route table: it takes the routes in force now,
   * then each new table as the client applies it, whichever way the change came (a config
   * reload, SIGHUP, a fleet revision, `network.routing.configure` over the bus).
   */
  async start(ctx: AgentContext): Promise<void> {
    const { listen, limits, admin, retryAfterSec } = this.#section;
    this.#logger = ctx.logger;
    const client = ctx.services.get<NetworkClient>(TOKENS.NetworkClient);
    const proxy = new SidecarProxy(
      client,
      {
        host: listen.host,
        port: listen.port,
        ...limits,
        retryAfterSec,
        inboundTraceContext: tracedInbound(
          ctx.services.get<InboundTraceContext>(MONITOR_TOKENS.InboundTraceContext),
        ),
      },
      ctx.logger,
    );
    proxy.setRoutes(client.routes);
    this.#unwatchRoutes = client.onRoutesChange((routes) => proxy.setRoutes(routes));
    this.#proxy = proxy;
    const url = await proxy.listen();
    if (admin.enabled) {
      this.#admin = new AdminServer(
        ctx.services.get<MetricsRegistry>(TOKENS.MetricsRegistry),
        ctx.services.get<PrometheusExporter>(MONITOR_TOKENS.PrometheusExporter),
        {
          host: admin.host,
          port: admin.port,
          allowRemote: admin.allowRemote,
          bearerToken: admin.bearerToken,
          readiness: () => !proxy.draining,
        },
        ctx.logger,
        // The dashboard's firing alerts and per-outcome error rates.
        ctx.services.get<AlertManager>(TOKENS.AlertManager),
        ctx.services.get<RequestMetrics>(MONITOR_TOKENS.RequestMetrics),
      );
      await this.#admin.start();
    }
    ctx.logger.info('sidecar listening', { proxy: url, admin: this.#admin?.url });
  }

  /** Drains the proxy (within `sidecar.drainTimeoutMs`), then closes the admin server. */
  async stop(): Promise<void> {
    this.#unwatchRoutes?.();
    this.#unwatchRoutes = undefined;
    if (this.#proxy) {
      this.#lastDrain = await this.#proxy.drain(this.#section.drainTimeoutMs);
      this.#logger?.info('sidecar drained', { ...this.#lastDrain });
    }
    await this.#admin?.close();
  }

  /** The proxy's URL, once listening. */
  get proxyUrl(): string | undefined {
    return this.#proxy?.url;
  }

  /** The admin server's URL, once listening. */
  get adminUrl(): string | undefined {
    return this.#admin?.url;
  }

  /** The listener's counters (zeros before it starts). */
  stats(): ProxyStatsSnapshot | undefined {
    return this.#proxy?.stats();
  }

  /** Ready while listening and not draining; details carry the counters. */
  health(): AgentHealth {
    const proxy = this.#proxy;
    const ready = proxy?.url !== undefined && !proxy.draining;
    return { live: true, ready, details: { ...proxy?.stats(), lastDrainCut: this.#lastDrain?.cut } };
  }
}

/** The inbound trace context the proxy runs requests in; none for tracing off's pass-through (one closure less per request). */
function tracedInbound(inbound: InboundTraceContext): InboundTraceContext | undefined {
  return inbound === withoutInboundTraceContext ? undefined : inbound;
}
