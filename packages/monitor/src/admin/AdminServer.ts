import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import { ConfigError, isLoopbackHost, TOKENS, type Logger } from '@slipstream/contracts';
import type { MetricsRegistry } from '../registry/MetricsRegistry';
import type { PrometheusExporter } from '../export/PrometheusExporter';
import type { RequestMetrics } from '../export/RequestMetrics';
import type { AlertManager } from '../alerts/AlertManager';
import { DashboardAssets } from '../dashboard/DashboardAssets';
import { dashboardState } from '../dashboard/dashboardState';
import { MONITOR_TOKENS } from '../tokens';

/** Options of the `AdminServer`. */
export interface AdminServerOptions {
  /** Interface to listen on. Defaults to '127.0.0.1'; a non-loopback host needs `allowRemote` and `bearerToken`. */
  host?: string;
  /** Port; 0 picks a free one. Defaults to `ADMIN_DEFAULT_PORT` (9470). */
  port?: number;
  /** Must be true (with a `bearerToken`) to listen on a non-loopback host. Defaults to false. */
  allowRemote?: boolean;
  /** When set, every request must carry `Authorization: Bearer <token>`. Defaults to none. */
  bearerToken?: string;
  /** Readiness for `/readyz`. Defaults to always ready. */
  readiness?: () => boolean | Promise<boolean>;
  /** Period of the dashboard's server-sent events, ms. Defaults to 1_000 ms. */
  dashboardIntervalMs?: number;
}

/** The admin server's port unless configured: fixed, so that operators and scrape configs know where to look. */
export const ADMIN_DEFAULT_PORT = 9470;

const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: ADMIN_DEFAULT_PORT,
  allowRemote: false,
  readiness: () => true,
  dashboardIntervalMs: 1_000,
});

/** The address and token settings of the admin server, defaults filled in (see `AdminServer.settings`). */
export interface AdminServerSettings {
  host: string;
  port: number;
  allowRemote: boolean;
  /** Absent when requests need no token. */
  bearerToken?: string;
}

/** The validated address and token of the admin server, with the header value a request must carry. */
interface AdminAddress {
  settings: AdminServerSettings;
  token: Buffer | undefined;
}

/** Validates the address options; a `ConfigError` names the first bad field. */
function resolveAddress(
  options: Omit<AdminServerOptions, 'readiness' | 'dashboardIntervalMs'>,
): AdminAddress {
  const host = options.host ?? DEFAULTS.host;
  const port = options.port ?? DEFAULTS.port;
  const allowRemote = options.allowRemote ?? DEFAULTS.allowRemote;
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new ConfigError([
      { path: 'admin.host', expected: 'a loopback address unless allowRemote is true', received: host },
    ]);
  }
  if (!isLoopbackHost(host) && (options.bearerToken === undefined || options.bearerToken === '')) {
    throw new ConfigError([
      {
        path: 'admin.bearerToken',
        expected: `a token when the admin server listens on a non-loopback host (${host})`,
        received: 'none',
      },
    ]);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError([{ path: 'admin.port', expected: 'an integer 0..65535', received: String(port) }]);
  }
  if (options.bearerToken !== undefined && options.bearerToken === '') {
    throw new ConfigError([{ path: 'admin.bearerToken', expected: 'a non-empty string', received: '""' }]);
  }
  const settings: AdminServerSettings = { host, port, allowRemote };
  if (options.bearerToken === undefined) return { settings, token: undefined };
  settings.bearerToken = options.bearerToken;
  return { settings, token: Buffer.from(`Bearer ${options.bearerToken}`) };
}

/**
 * The admin HTTP server: `/metrics` (Prometheus text), `/stats` (JSON snapshot),
 * `/healthz` (liveness), `/readyz` (readiness) and `/dashboard` (a live page fed by server-sent
 * events from `/dashboard/events`, its assets served locally). Listens on 127.0.0.1:9470 unless told
 * otherwise (another interface only with `allowRemote` and a bearer token), and logs its URL
 * when it starts.
 */
@injectable()
export class AdminServer {
  private address: AdminAddress;
  private readonly readiness: () => boolean | Promise<boolean>;
  private readonly dashboardIntervalMs: number;
  private readonly assets = new DashboardAssets();
  private server: Server | undefined;

  constructor(
    @inject(TOKENS.MetricsRegistry) private readonly registry: MetricsRegistry,
    @inject(MONITOR_TOKENS.PrometheusExporter) private readonly exporter: PrometheusExporter,
    @inject(MONITOR_TOKENS.AdminServerOptions) @optional() options: AdminServerOptions = {},
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
    @inject(TOKENS.AlertManager) @optional() private readonly alerts?: AlertManager,
    @inject(MONITOR_TOKENS.RequestMetrics) @optional() private readonly requests?: RequestMetrics,
  ) {
    this.address = resolveAddress(options);
    this.readiness = options.readiness ?? DEFAULTS.readiness;
    this.dashboardIntervalMs = options.dashboardIntervalMs ?? DEFAULTS.dashboardIntervalMs;
    if (!Number.isFinite(this.dashboardIntervalMs) || this.dashboardIntervalMs < 10) {
      throw new ConfigError([
        {
          path: 'admin.dashboardIntervalMs',
          expected: 'a number of ms ≥ 10',
          received: String(options.dashboardIntervalMs),
        },
      ]);
    }
  }

  /** Whether the server is listening. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /**
   * Replaces the address and the bearer token (`readiness` stays). Omitted fields take their
   * defaults, as in the constructor. Invalid options throw a `ConfigError` naming the field and
   * change nothing. When listening, the server is closed and started again at the new address;
   * if that fails (the port is taken), it listens at the old address again and the error is thrown.
   */
  async reconfigure(options: Omit<AdminServerOptions, 'readiness' | 'dashboardIntervalMs'>): Promise<void> {
    const next = resolveAddress(options);
    const previous = this.address;
    const wasListening = this.listening;
    await this.close();
    this.address = next;
    if (!wasListening) return;
    try {
      await this.start();
    } catch (err) {
      this.address = previous;
      await this.start();
      throw err;
    }
  }

  /** The configured port (0: any free one); `url` says where it listens once started. */
  get port(): number {
    return this.address.settings.port;
  }

  /** The address and token in force (`reconfigure` changes them), defaults filled in. */
  get settings(): Readonly<AdminServerSettings> {
    return { ...this.address.settings };
  }

  /** Where the server listens, once started. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Starts listening; resolves with the base URL. Starting twice returns the same URL. */
  async start(): Promise<string> {
    if (!this.server) {
      const server = createServer((req, res) => {
        this.handle(req, res).catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(err instanceof Error ? err.name : 'error');
        });
      });
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        const fail = (err: Error): void => {
          // A server that never listened is dropped, so a later start() tries again.
          this.server = undefined;
          reject(err);
        };
        server.once('error', fail);
        server.listen(this.address.settings.port, this.address.settings.host, () => {
          server.off('error', fail);
          resolve();
        });
      });
      this.logger?.info('admin server listening', {
        url: this.url,
        metrics: `${this.url!}/metrics`,
        dashboard: `${this.url!}/dashboard`,
      });
    }
    return this.url!;
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.servesHost(req)) {
      res.writeHead(421, { 'content-type': 'text/plain' });
      res.end('misdirected request: the admin server without a bearer token answers loopback hosts only');
      return;
    }
    if (!this.authorized(req)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' });
      res.end('unauthorized');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('method not allowed');
      return;
    }
    const path = (req.url ?? '/').split('?', 1)[0]!;
    switch (path) {
      case '/metrics':
        return this.send(res, 200, this.exporter.contentType, await this.exporter.expose());
      case '/stats':
        return this.send(res, 200, 'application/json', JSON.stringify(this.registry.snapshot()));
      case '/healthz':
        return this.send(res, 200, 'application/json', JSON.stringify({ live: true }));
      case '/readyz': {
        const ready = await this.readiness();
        return this.send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready }));
      }
      case '/dashboard/events':
        return this.streamDashboard(res);
      default: {
        if (!this.assets.has(path)) return this.send(res, 404, 'text/plain', 'not found');
        const asset = await this.assets.get(path);
        res.writeHead(200, { 'content-type': asset.contentType, 'content-length': asset.body.length });
        res.end(req.method === 'HEAD' ? undefined : asset.body);
        return;
      }
    }
  }

  /** Server-sent events: the dashboard's state now, then every `dashboardIntervalMs` until the client goes. */
  private streamDashboard(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    if (res.req.method === 'HEAD') {
      res.end();
      return;
    }
    const firing = () => this.alerts?.firing() ?? [];
    const push = (): void => {
      res.write(`data: ${JSON.stringify(dashboardState(this.registry, this.requests, firing))}\n\n`);
    };
    push();
    const timer = setInterval(push, this.dashboardIntervalMs);
    res.on('close', () => clearInterval(timer));
  }

  private send(res: ServerResponse, status: number, contentType: string, body: string): void {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  /**
   * Whether the request names a host the admin server answers: any with a bearer token (a
   * browser never adds one on its own), else a loopback name only, so that a web page whose
   * name an attacker re-points at 127.0.0.1 (DNS rebinding) cannot read the metrics or stats.
   */
  private servesHost(req: IncomingMessage): boolean {
    if (this.address.token) return true;
    const host = (req.headers.host ?? '').toLowerCase();
    const colon = host.lastIndexOf(':');
    return isLoopbackHost(colon > host.lastIndexOf(']') ? host.slice(0, colon) : host);
  }

  private authorized(req: IncomingMessage): boolean {
    const token = this.address.token;
    if (!token) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === token.length && timingSafeEqual(given, token);
  }
}
