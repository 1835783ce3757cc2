/**
 * Pipeline order — every request walks these steps, in this order. Each is a `PipelineStep`
 * (`pipeline/steps/`), composed into one chain per shape of request (retried or not, hedged or
 * not, buffered or streamed), once: a policy that is off is not in the chain.
 *
 *   route → admit → (retry) → (hedge) → pick → (added steps) → breaker → send → record
 *
 * - **route** first: the route decides the cluster, the QoS class and the policy (deadline,
 *   retries, hedging, request-body compression) every later step reads, and so which chain the
 *   request takes. A request without a matching route goes to the cluster it names, with the
 *   default class.
 * - **admit** before retry: retries of a request hold its one permit, so they count against the
 *   cluster's concurrency limit and cannot amplify an overload behind the scheduler's back; a
 *   request shed here never costs an upstream anything.
 * - **retry** around pick and breaker: each attempt picks again, excluding the endpoints earlier
 *   attempts failed on, so a retry lands on another endpoint; every retry is paid from the
 *   retry budget, within the overall deadline.
 * - **hedge** (a route's `policy.hedge`, idempotent requests) inside retry: after the delay a
 *   backup attempt goes to another endpoint (the same one when every other is busy with the
 *   request or unhealthy); the first answer (a stream's headers) wins and the
 *   others are aborted.
 *   A retry after a hedged attempt that failed altogether is hedged again.
 * - **pick** before breaker: the breaker is per endpoint (with its cluster's settings), so it
 *   can only be chosen once the endpoint is; an open circuit fails that attempt fast and the retry tries an endpoint whose
 *   circuit is closed.
 * - **added steps** (`TOKENS.PipelineStep`, or `createNetworkClient`'s `steps`): once per attempt,
 *   knowing its endpoint, outside its breaker.
 * - **send** innermost: the pool of the endpoint's origin (keep-alive, bounded queue), within
 *   the route's `policy.perTryTimeoutMs`. Each attempt is classified once by the outcome
 *   classifier (`@slipstream/resilience`'s `OUTCOME_EFFECTS`; a JSON-RPC batch's 2xx body is
 *   read first, and one that is no JSON-RPC answer makes the attempt an upstream failure): the
 *   endpoint state (latency estimate, outlier detection) and the limiter learn its verdict; the
 *   route chooser and the metrics registry (with the last attempt's wire and logical bytes)
 *   learn the logical request's verdict. Every bound `RequestObserver` is called at each of these points.
 * - **record** when the logical request is over; with monitoring off it is absent (a no-op
 *   method in its place), not a branch.
 *
 * `stream()` walks the same steps but for its send step, and its request ends when its body does: the permit, the
 * in-flight count, the endpoint's outcome and the record wait for the body to be read to its
 * end, to error or to be destroyed. The breaker's verdict is given at the headers, so that its
 * timeout bounds the wait for them and never cuts a long body.
 */
import {
  ClientClosedError,
  InvalidRequestError,
  TOKENS,
  type AdvancedRoutingConfig,
  type BatchStats,
  type BreakerStats,
  type CircuitBreakerConfig,
  type ClusterStats,
  type ConnectionPoolingConfig,
  type Disposer,
  type EventBus,
  type Logger,
  type ObservedRequest,
  type OutcomeKind,
  type RequestObserver,
  type RequestBatchingConfig,
  type RouteConfig,
  type RoutingStats,
} from '@slipstream/contracts';
import { ClusterManager, HealthChecker, type Cluster } from '@slipstream/balancer';
import type { RequestBatcher } from '@slipstream/batching';
import { mergeBatchStats, type EncodedBatch, type BatchResponse } from '@slipstream/batching';
import type { HttpResponse, HttpStreamResponse } from '@slipstream/http';
import {
  isStreamedBody as isStreamedBodyExport,
  type HttpPoolStats,
  type PoolManager,
  validateRequest as validateRequestExport,
} from '@slipstream/http';
import { classifyError, type MetricsRegistry, type RequestSeries } from '@slipstream/monitor';
import {
  CircuitBreakerRegistry,
  type HedgeStats,
  classifyError as classifyOutcome,
  OUTCOME_EFFECTS as OUTCOME_EFFECTS_EXPORT,
  RetryPolicy,
  type RetryStats,
} from '@slipstream/resilience';
import {
  collectRoutingStats,
  applyRoutingConfig,
  type QosScheduler,
  type Router,
  type ConcurrencySettings,
} from '@slipstream/routing';
import { inject, injectable, multiInject, optional, unmanaged } from 'inversify';
import type {
  ClientCallOptions,
  ClientNotifyOptions,
  ClientRequest,
  ClientRequestOptions,
} from './ClientRequest';
import { breakerFallback, NO_FALLBACK, type BreakerFallback } from './BreakerFallback';
import { CLIENT_OPTIONS } from './CLIENT_OPTIONS';
import { DEFAULT_CLIENT_FACTORIES, type ClientFactories } from './ClientFactories';
import { ClientDispatcher } from './dispatcher/ClientDispatcher';
import { NoRouteError } from './errors/NoRouteError';
import {
  asClusterError,
  checkSharedOrigins,
  prefixIssues,
  skipsVerification,
  upstreamOrigins,
  withCanonicalOrigins,
} from './upstreamOrigins';
import { validateRequestOptions } from './validateRequestOptions';
import { fanOutObservers } from './observe/fanOutObservers';
import {
  dump,
  Exchange,
  NO_ENDPOINT,
  requestError,
  requestOutcome,
  streamBreakerOptions,
  type ResponseFigures,
} from './pipeline/Exchange';
import { checkSteps } from './pipeline/checkSteps';
import { composeSteps, type PipelineResponse, type PipelineStep } from './pipeline/PipelineStep';
import { AddedSteps } from './pipeline/steps/AddedSteps';
import { AdmitStep } from './pipeline/steps/AdmitStep';
import { BreakerStep } from './pipeline/steps/BreakerStep';
import { HedgeStep } from './pipeline/steps/HedgeStep';
import { PickStep } from './pipeline/steps/PickStep';
import { RetryStep } from './pipeline/steps/RetryStep';
import { SendStep } from './pipeline/steps/SendStep';
import { StreamSendStep } from './pipeline/steps/StreamSendStep';
import {
  CLIENT_DEFAULTS,
  resolveClientOptions,
  type ClientClusterConfig,
  type NetworkClientOptions,
  type ResolvedClientOptions,
} from './NetworkClientOptions';
import { collectClientSettings, type NetworkClientSettings } from './NetworkClientSettings';

/** Everything a `NetworkMetricsSnapshot` needs from the pipeline, measured now. */
export interface NetworkClientStats {
  pools: HttpPoolStats[];
  clusters: ClusterStats[];
  breakers: BreakerStats[];
  /** Per cluster that has a batcher. */
  batching: Record<string, BatchStats>;
  routing: RoutingStats;
  retry: RetryStats;
  /** Per route that hedges (`policy.hedge`), by route id. */
  hedging: Record<string, HedgeStats>;
}

/**
 * Read once here: a package's index re-exports its members through getters (the CommonJS output
 * of tsc and esbuild), and reading one per request through its import costs ~15–30 ns a time
 * (measured under tsx, Node 20), several times per request.
 */
const isStreamedBody = isStreamedBodyExport;
const validateRequest = validateRequestExport;
const OUTCOME_EFFECTS = OUTCOME_EFFECTS_EXPORT;

/** Methods whose requests are retried unless the caller says otherwise. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const NO_OPTIONS: ClientRequestOptions = Object.freeze({});

/** `process.emitWarning` code of a cluster that skips certificate verification, when no logger is given. */
export const INSECURE_TLS_WARNING = 'SLIP_WARN_INSECURE_TLS';

/**
 * The request pipeline: router → scheduler → retry → balancer → breaker → pool, with the
 * monitor recording every logical request (see the "Pipeline order" comment at the top of this
 * file). Also offered as an undici `Dispatcher` (`asDispatcher()`), and as a JSON-RPC batcher
 * per cluster (`call()`), whose batches travel the same pipeline.
 *
 * Its members are `private`, not `#` fields: the CLI (and so the sidecar and the benchmarks) runs
 * through tsx, whose esbuild lowers the `#` fields of a decorated class to WeakMap lookups on
 * every access; plain members cut the pipeline's CPU per request ÷ undici dispatch from about
 * 2.14 to 1.96 (3 alternating runs each, 20 000 GETs, 32 in flight, monitoring and tracing on).
 */
@injectable()
export class NetworkClient {
  private readonly options: ResolvedClientOptions;
  private readonly pool: PoolManager;
  private readonly metrics: MetricsRegistry | undefined;
  private readonly bus: EventBus | undefined;
  private readonly logger: Logger | undefined;
  private readonly ownsPool: boolean;
  private readonly clusters: ClusterManager;
  private readonly router: Router;
  private scheduler: QosScheduler;
  private readonly breakers: CircuitBreakerRegistry;
  private readonly retry: RetryPolicy;
  private readonly batchPaths = new Map<string, string>();
  /** Clusters already warned about for skipping certificate verification (once each). */
  private readonly insecureClusters = new Set<string>();
  /** The config in force of each cluster (origins canonical), for the shared-origin check. */
  private readonly clusterConfigs = new Map<string, ClientClusterConfig>();
  private readonly batchers = new Map<string, RequestBatcher>();
  private batching: RequestBatchingConfig;
  /** The open-circuit fallback of clusters without one of their own. */
  private fallback: BreakerFallback = NO_FALLBACK;
  /** Fallbacks of clusters configured on their own (`NO_FALLBACK`: none, even when a default exists). */
  private readonly clusterFallbacks = new Map<string, BreakerFallback>();
  private readonly record: (
    x: Exchange,
    response: ResponseFigures | undefined,
    error: unknown,
    outcome: OutcomeKind,
    durationMs: number,
  ) => void;
  private readonly sources: Disposer[] = [];
  /**
   * The metrics series the record step last wrote to: the next request of the same cluster,
   * endpoint, route and class writes to it without the registry's lookup (series are never
   * dropped, see `MetricsRegistry.series`).
   */
  private lastSeries: RequestSeries | undefined;
  private dispatcher: ClientDispatcher | undefined;
  /** Streamed responses whose bodies are still open (`destroy()` cuts them). */
  private readonly streams = new Set<HttpStreamResponse>();
  private inflight = 0;
  private idle: (() => void)[] = [];
  private closed = false;
  /** Set by `close()` at once: new work is refused while the batchers' queued calls still go out (as `'batch'` requests). */
  private closing: Promise<void> | undefined;
  /** `destroy()` was called: its pool is gone, and a `close()` under way has nothing left to close. */
  private destroyed = false;
  /** The bound request observers as one; undefined when none is bound. */
  private readonly observer: RequestObserver | undefined;
  /** The steps a container module added (`TOKENS.PipelineStep`), in every attempt's chain. */
  private readonly addedSteps: readonly PipelineStep<Exchange, PipelineResponse>[];
  private readonly factories: ClientFactories;
  private readonly hedge: HedgeStep<HttpResponse>;
  /** The composed chains, by shape (`chainIndex`): built once each, on first use. */
  private readonly chains: ((x: Exchange) => Promise<PipelineResponse>)[] = [];
  /** Told the routes in force after each change of the route table (`onRoutesChange`). */
  private readonly routeListeners = new Set<(routes: readonly RouteConfig[]) => void>();

  constructor(
    @inject(CLIENT_OPTIONS) options: NetworkClientOptions,
    @inject(TOKENS.PoolManager) pool: PoolManager,
    @inject(TOKENS.MetricsRegistry) @optional() metrics?: MetricsRegistry,
    @inject(TOKENS.EventBus) @optional() bus?: EventBus,
    @inject(TOKENS.Logger) @optional() logger?: Logger,
    /** Every bound request observer (tracing, access logs); none: no observer work at all. */
    @multiInject(TOKENS.RequestObserver) @optional() observers: readonly RequestObserver[] = [],
    /** The breakers; default: a registry of its own. `configureBreakers` applies `options.breaker` to it. */
    @inject(TOKENS.BreakerRegistry) @optional() breakers?: CircuitBreakerRegistry,
    /** The retry policy; default: one built from `options.retry` (applied to a bound one too, when given). */
    @inject(TOKENS.RetryPolicy) @optional() retry?: RetryPolicy,
    /** The clusters (balancer algorithms, health checks, outlier detection); default: a manager of its own. */
    @inject(TOKENS.ClusterManager) @optional() clusters?: ClusterManager,
    /** How the router, the scheduler, the batchers and the hedgers are built; default: the built-in ones. */
    @inject(TOKENS.ClientFactories) @optional() factories: ClientFactories = DEFAULT_CLIENT_FACTORIES,
    /** Steps added to every attempt, after the pick and before the breaker, in binding order. */
    @multiInject(TOKENS.PipelineStep) @optional() steps: readonly PipelineStep[] = [],
    /** Whether `close()` and `destroy()` also close `pool` (true when `createNetworkClient` built it). */
    @unmanaged() ownsPool = false,
  ) {
    this.observer = fanOutObservers(observers ?? []);
    this.options = resolveClientOptions(options);
    this.pool = pool;
    this.metrics = metrics;
    this.bus = bus;
    this.logger = logger;
    this.ownsPool = ownsPool;
    this.factories = factories ?? DEFAULT_CLIENT_FACTORIES;
    this.hedge = new HedgeStep((hedger) => this.factories.hedger(hedger));
    this.addedSteps = checkSteps(steps ?? []) as unknown as readonly PipelineStep<
      Exchange,
      PipelineResponse
    >[];
    this.breakers = breakers ?? new CircuitBreakerRegistry(bus, logger);
    this.configureBreakers(options.breaker ?? {});
    this.retry = retry ?? new RetryPolicy(options.retry);
    // A bound policy takes `options.retry` when given, as a bound breaker registry takes `options.breaker`.
    if (retry !== undefined && options.retry !== undefined) retry.updateOptions(options.retry);
    this.batching = options.batching ?? {};
    this.clusters = clusters ?? new ClusterManager(new HealthChecker(), bus, logger);
    try {
      options.clusters.forEach((cluster, i) => {
        try {
          this.configureCluster(cluster);
        } catch (err) {
          throw prefixIssues(err, `clusters[${i}].`);
        }
      });
      this.router = factories.router(
        {
          routes: options.routes,
          classes: options.classes,
          defaultQosClass: this.options.defaultQosClass,
          knownClusters: () => this.batchPaths.keys(),
        },
        bus,
      );
      this.scheduler = factories.scheduler(
        { classes: options.classes, concurrency: options.adaptiveConcurrency },
        bus,
      );
    } catch (err) {
      this.clusters.close();
      throw err;
    }
    this.record = metrics && this.options.monitoring ? this.recordOutcome : skipRecord;
    if (metrics && this.options.monitoring) this.registerSources(metrics);
  }

  /**
   * Sends `req` through the pipeline and resolves with the response, whatever its status (a
   * 5xx after the last retry included). Rejects with a `SlipstreamError` when no response
   * arrived: `InvalidRequestError` (bad path, method, header, body or option; nothing sent), `NoRouteError`, `OverloadedError` / `QueueTimeoutError` (shed at admission),
   * `BrokenCircuitError`, `NoHealthyEndpointError`, `RequestTimeoutError`, `RequestAbortedError`,
   * `ConnectionError`, `ClientClosedError`, ...
   */
  request(req: ClientRequest, opts: ClientRequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    return this.requestOf(req, opts, 'request');
  }

  /**
   * `request()`, observed as a request of `kind` (a JSON-RPC batch is one); `checkBody`, when
   * given, checks each attempt's 2xx body before the attempt is classified (`Exchange.checkBody`).
   */
  private async requestOf(
    req: ClientRequest,
    opts: ClientRequestOptions,
    kind: ObservedRequest['kind'],
    checkBody?: (response: HttpResponse) => void,
  ): Promise<HttpResponse> {
    validateRequest(req);
    // A batch's options are the batcher's own, checked per call by `call()` / `notify()`.
    if (kind !== 'batch') validateRequestOptions(opts, 'request');
    const x = this.begin(req, opts, kind);
    x.checkBody = checkBody;
    let response: HttpResponse | undefined;
    let error: unknown;
    try {
      response = (await this.chainOf(x, false)(x)) as HttpResponse;
    } catch (err) {
      error = err;
    }
    this.end(x, response, error);
    if (response === undefined) throw requestError(x, error);
    return response;
  }

  /**
   * Sends `req` through the same pipeline as `request()` and resolves at the response headers
   * with the body as a stream (decoded as it is read, see `PoolManager.stream()`), whatever its
   * status. A 5xx or 429 at the headers of an idempotent request is dumped and retried under
   * the same policy; after the last attempt that response is handed over. Nothing is retried
   * once headers were handed over. The admission permit and the in-flight count are held, and
   * the endpoint (a body that breaks off counts as its failure) and the monitor learn the
   * outcome, when the body ends, errors or is destroyed by its reader. The breaker judges the
   * exchange up to the headers, so its `timeoutMs` bounds the wait for them, not the body (which
   * may stream as long as its reader likes; undici's body timeout still ends a stalled one).
   * Rejects like `request()` when no headers arrived.
   */
  async stream(req: ClientRequest, opts: ClientRequestOptions = NO_OPTIONS): Promise<HttpStreamResponse> {
    validateRequest(req);
    validateRequestOptions(opts, 'request');
    const x = this.begin(req, opts, 'stream');
    x.breakerOptions = streamBreakerOptions(x);
    let response: HttpStreamResponse;
    try {
      response = (await this.chainOf(x, true)(x)) as HttpStreamResponse;
    } catch (err) {
      dump(x);
      this.end(x, undefined, err);
      throw requestError(x, err);
    }
    if (x.held !== response) dump(x);
    this.streams.add(response);
    void response.ended.then((bodyError) => {
      this.bodyEnded(x, bodyError);
      this.streams.delete(response);
      this.end(x, response, bodyError);
    });
    return response;
  }

  /**
   * Queues one JSON-RPC call in the batcher of `opts.cluster` (default: the first cluster);
   * the batch goes to the cluster's batch path through `request()`, so it travels the same
   * pipeline. Resolves with the call's own result; rejects with its own error (`RpcError`, ...).
   */
  call<T = unknown>(method: string, params?: unknown, opts: ClientCallOptions = {}): Promise<T> {
    const batcher = this.callBatcher(method, opts, 'call');
    return batcher instanceof Error ? Promise.reject(batcher) : batcher.call<T>(method, params, opts);
  }

  /**
   * Queues one JSON-RPC notification (a call without an id, which gets no answer) like `call()`.
   * Resolves once the batch that carried it was sent and answered at the HTTP level; rejects
   * when that batch could not be sent (`ConnectionError`, `RequestTimeoutError`, ...).
   */
  notify(method: string, params?: unknown, opts: ClientNotifyOptions = {}): Promise<void> {
    const batcher = this.callBatcher(method, opts, 'notify');
    return batcher instanceof Error ? Promise.reject(batcher) : batcher.notify(method, params, opts);
  }

  /** The batcher of the named cluster (default: the first), or the error a call to it rejects with (bad method or options included). */
  private callBatcher(
    method: unknown,
    opts: ClientNotifyOptions,
    kind: 'call' | 'notify',
  ): RequestBatcher | Error {
    if (this.closed || this.closing) return new ClientClosedError('the network client is closed');
    if (typeof method !== 'string' || method === '')
      return new InvalidRequestError(
        'method',
        `expected a JSON-RPC method name, received ${JSON.stringify(method)}`,
      );
    try {
      validateRequestOptions(opts, kind);
    } catch (err) {
      return err as Error;
    }
    const name = opts.cluster ?? this.options.clusters[0]?.cluster;
    if (name === undefined) return new NoRouteError('no cluster is configured and the call names none');
    return this.batcherOf(name) ?? new NoRouteError(`no cluster named "${name}"`);
  }

  /**
   * An undici `Dispatcher` over this pipeline: `undici.request(url, { dispatcher })` and
   * `fetch(url, { dispatcher })` go through route, admission, retry, balancer, breaker and pool
   * as `stream()` does, so their bodies stream with backpressure and hold the permit until they
   * are read, fail or are aborted. The URL's origin picks the cluster when no route matches: the
   * cluster with that endpoint, else the cluster named like the URL's host name.
   */
  asDispatcher(): ClientDispatcher {
    this.dispatcher ??= new ClientDispatcher(this);
    return this.dispatcher;
  }

  /** The cluster a URL origin stands for: the one with an endpoint at `origin`, else the one named like its host. */
  clusterOf(origin: string): string | undefined {
    for (const stats of this.clusters.stats()) {
      if (stats.endpoints.some((e) => e.origin === origin)) return stats.cluster;
    }
    const host = URL.canParse(origin) ? new URL(origin).hostname : origin;
    return this.batchPaths.has(host) ? host : undefined;
  }

  /**
   * Builds or replaces a cluster (and starts its health checks). Throws `ConfigError` and keeps
   * the old one when invalid, or when an endpoint is at the origin of another cluster's endpoint
   * (`http://h:80` and `http://h` are one) with other connection settings: they would share one
   * pool. Skipping certificate verification warns once per cluster: on the logger, or with
   * `process.emitWarning` (code `SLIP_WARN_INSECURE_TLS`) when there is none.
   */
  configureCluster(input: ClientClusterConfig): Cluster {
    const config = withCanonicalOrigins(input);
    checkSharedOrigins(config, this.clusterConfigs.values());
    try {
      this.pool.updateOptions({ origins: upstreamOrigins(config) });
    } catch (err) {
      throw asClusterError(err, config);
    }
    if (skipsVerification(config) && !this.insecureClusters.has(config.cluster)) {
      this.insecureClusters.add(config.cluster);
      this.warnInsecure(config.cluster);
    }
    const { batchPath, ...balancing } = config;
    const cluster = this.clusters.configure(balancing);
    this.batchPaths.set(config.cluster, batchPath ?? CLIENT_DEFAULTS.batchPath);
    this.clusterConfigs.set(config.cluster, config);
    return cluster;
  }

  private warnInsecure(cluster: string): void {
    const message = 'TLS certificate verification is off for a cluster (tls.rejectUnauthorized: false)';
    if (this.logger) this.logger.warn(message, { cluster });
    else
      process.emitWarning(`${message}: ${cluster}`, {
        code: INSECURE_TLS_WARNING,
        detail: `cluster: ${cluster}`,
      });
  }

  /**
   * Applies breaker settings (and the open-circuit fallback): to `config.cluster`'s endpoints
   * only when it names one, else to every cluster without settings of its own. Throws
   * `ConfigError` and keeps the old ones when invalid.
   */
  configureBreakers(config: CircuitBreakerConfig): void {
    this.breakers.updateOptions(breakerOptions(config));
    if (config.fallback === undefined) return;
    if (config.cluster === undefined) this.fallback = breakerFallback(config.fallback);
    else this.clusterFallbacks.set(config.cluster, breakerFallback(config.fallback));
  }

  /**
   * Replaces routes, classes and (when given) the concurrency settings, in place: learned
   * limits and counters are kept. Everything is validated first: an invalid config throws a
   * `ConfigError` listing every reason and the old one stays. Requests in flight finish under
   * the route they resolved when they started.
   */
  configureRouting(config: AdvancedRoutingConfig): void {
    const before = this.router.table;
    applyRoutingConfig(this.router, this.scheduler, config);
    if (this.router.table === before) return;
    const routes = this.router.table.routes;
    for (const listener of [...this.routeListeners]) {
      try {
        listener(routes);
      } catch (err) {
        // The table is in force already: a listener's failure is its own.
        this.logger?.error('a route table listener failed', { error: String(err) });
      }
    }
  }

  /**
   * The routes in force, as configured: the route table's own frozen array, the same object until
   * the table changes (so a reader may cache what it derives from them by identity).
   */
  get routes(): readonly RouteConfig[] {
    return this.router.table.routes;
  }

  /**
   * Calls `listener` with the routes in force after each change of the route table
   * (`configureRouting`, whoever calls it: a bus command, a config reload), synchronously, before
   * `configureRouting` returns. Returns the disposer that stops it.
   */
  onRoutesChange(listener: (routes: readonly RouteConfig[]) => void): Disposer {
    this.routeListeners.add(listener);
    return () => {
      this.routeListeners.delete(listener);
    };
  }

  /** The QoS class of requests that name none and whose route names none (`configureRouting` may change it). */
  get defaultQosClass(): string {
    return this.router.table.defaultQosClass;
  }

  /** The concurrency settings in force (adaptive, or fixed at `initialLimit`), every default filled in. */
  get concurrencySettings(): Readonly<ConcurrencySettings> {
    return this.scheduler.concurrencySettings;
  }

  /** Applies batching settings to every batcher (and later ones). Throws `ConfigError` and keeps the old ones when invalid. */
  configureBatching(config: RequestBatchingConfig): void {
    for (const batcher of this.batchers.values()) batcher.updateOptions(config);
    this.batching = { ...this.batching, ...config };
  }

  /** Applies pooling settings (`PoolManager.updateOptions`). Throws `ConfigError` and keeps the old ones when invalid. */
  configurePooling(config: ConnectionPoolingConfig): Readonly<Required<ConnectionPoolingConfig>> {
    return this.pool.updateOptions(config);
  }

  /** Measured state of every stage: pools, clusters, breakers, batchers, routing, retries. */
  stats(): NetworkClientStats {
    const batching: Record<string, BatchStats> = {};
    for (const [cluster, batcher] of this.batchers) batching[cluster] = batcher.stats();
    return {
      pools: this.pool.stats(),
      clusters: this.clusters.stats(),
      breakers: this.breakers.stats(),
      batching,
      routing: collectRoutingStats(this.router, this.scheduler),
      retry: this.retry.stats(),
      hedging: this.hedge.stats(),
    };
  }

  /**
   * The settings in force of every stage, as its component reports them, defaults filled in:
   * pools, clusters, breakers (with their fallbacks), batching, routes, classes and concurrency.
   */
  settings(): NetworkClientSettings {
    return collectClientSettings({
      pool: this.pool,
      clusters: this.clusterConfigs.values(),
      breakers: this.breakers,
      fallback: this.fallback,
      clusterFallbacks: this.clusterFallbacks,
      batching: this.batching,
      router: this.router,
      scheduler: this.scheduler,
    });
  }

  /**
   * Refuses new work, flushes the batchers, waits for every request in flight (streams: until
   * their bodies are over), then stops health checks, outlier and breaker timers (and closes
   * the pool when the client owns it).
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.closed) return Promise.resolve();
    // Refused from this moment (a request issued in the same tick included); only the batches
    // that carry the calls already queued may still begin, until the batchers are flushed.
    this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((b) => b.close()));
    this.closed = true;
    if (this.inflight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.stop();
    if (this.ownsPool && !this.destroyed) await this.pool.close();
  }

  /**
   * Refuses new work and stops every timer at once; cuts open stream bodies with
   * `ClientClosedError`; with an owned pool, also cuts requests in flight.
   */
  async destroy(): Promise<void> {
    this.closed = true;
    this.destroyed = true;
    const err = new ClientClosedError('the network client was destroyed');
    for (const stream of [...this.streams]) stream.body.destroy(err);
    this.stop();
    if (this.ownsPool) await this.pool.destroy();
  }

  private exchange(req: ClientRequest, opts: ClientRequestOptions, kind: ObservedRequest['kind']): Exchange {
    const method = req.method ?? 'GET';
    const router = this.router;
    // Without routes there is nothing to match (and no request object to build for it); a
    // batch goes to the cluster its calls named, never where the route table would send it.
    const route =
      router.table.routes.length === 0 || kind === 'batch'
        ? undefined
        : router.resolve({ method, path: req.path, host: req.host, headers: req.headers });
    const name = route?.cluster ?? req.cluster;
    const cluster = name === undefined ? undefined : this.clusters.get(name);
    if (!cluster) {
      throw new NoRouteError(
        name === undefined
          ? `no route matches ${method} ${req.path} and the request names no cluster`
          : `no cluster named "${name}"`,
      );
    }
    const retries = route?.policy.retries;
    // A streamed body is read once: never retried, hedged or replayed.
    const idempotent = !isStreamedBody(req.body) && (opts.idempotent ?? IDEMPOTENT_METHODS.has(method));
    const timeoutMs =
      opts.timeoutMs ?? route?.policy.timeoutMs ?? (this.options.defaultTimeoutMs || undefined);
    const qosClass = opts.priority ?? route?.qosClass ?? router.table.defaultQosClass;
    // A caller's unknown class is refused before the request is observed: no outcome, series or label.
    if (opts.priority !== undefined) this.scheduler.checkClass(qosClass);
    return new Exchange(
      req,
      opts,
      method,
      route,
      cluster,
      qosClass,
      idempotent,
      idempotent && retries !== 0,
      retries,
      timeoutMs,
      (this.clusterFallbacks.get(cluster.name) ?? this.fallback).respond,
    );
  }

  /**
   * Opens a logical request: refused once closed (once closing, unless it is a batch the batchers
   * flush), counted in flight until `end`.
   */
  private begin(req: ClientRequest, opts: ClientRequestOptions, kind: ObservedRequest['kind']): Exchange {
    if (this.closed || (this.closing && kind !== 'batch'))
      throw new ClientClosedError('the network client is closed');
    const x = this.exchange(req, opts, kind);
    if (this.observer) {
      const observation = this.observer.requestStarted({
        method: x.method,
        path: req.path,
        cluster: x.cluster,
        route: x.route?.id ?? '',
        qosClass: x.qosClass,
        kind,
      });
      // An inert observation (an untraced request's) is skipped at every later step.
      if (observation.inert !== true) x.observation = observation;
    }
    this.inflight++;
    return x;
  }

  /**
   * The chain of `x`'s shape: admit → (retry) → (hedge) → pick → (added steps) → breaker → send.
   * A policy that is off is not in it; request and stream differ only in the send step (a
   * streamed request body is read once, so such a request has no `hedge`). Composed once per shape.
   */
  private chainOf(x: Exchange, stream: boolean): (x: Exchange) => Promise<PipelineResponse> {
    const hedged = x.hedge !== undefined;
    const index = (stream ? 4 : 0) + (x.retry ? 2 : 0) + (hedged ? 1 : 0);
    let chain: ((x: Exchange) => Promise<PipelineResponse>) | undefined = this.chains[index];
    if (chain === undefined) {
      const steps: PipelineStep<Exchange, PipelineResponse>[] = [new AdmitStep(this.scheduler)];
      if (x.retry) steps.push(new RetryStep(this.retry));
      if (hedged) steps.push(this.hedge);
      steps.push(new PickStep(this.breakers));
      if (this.addedSteps.length > 0) steps.push(new AddedSteps(this.addedSteps, stream));
      steps.push(new BreakerStep(this.breakers));
      const addsHeaders = this.observer?.addsHeaders === true;
      const send = stream
        ? new StreamSendStep(this.pool, addsHeaders).send
        : new SendStep(this.pool, addsHeaders).send;
      chain = composeSteps(steps, send);
      this.chains[index] = chain;
    }
    return chain;
  }

  /** A stream's body is over: the endpoint it came from learns it (a body that breaks off is its failure, unless the caller cut it). */
  private bodyEnded(x: Exchange, error: unknown): void {
    x.bodyCut?.stop();
    const endpoint = x.bodyFrom;
    if (endpoint === undefined) return;
    const effect =
      error === undefined
        ? OUTCOME_EFFECTS[x.outcome].endpoint
        : OUTCOME_EFFECTS[classifyOutcome(error, x)].endpoint;
    x.balancer.onEnd(endpoint, { rttMs: x.bodyRttMs, effect });
  }

  /** The logical request is over: its slot is freed, the route chooser and the monitor learn it; close() may proceed. */
  private end(x: Exchange, response: ResponseFigures | undefined, error: unknown): void {
    const outcome = requestOutcome(x, response, error);
    const durationMs = performance.now() - x.start;
    x.permit?.release();
    if (x.route && x.permit) {
      const effect = OUTCOME_EFFECTS[outcome].endpoint;
      // A stream's latency is its time to the headers; its body may run for as long as its reader likes.
      const latencyMs = x.respondedAt === 0 ? durationMs : x.respondedAt - x.start;
      if (effect !== 'ignore') this.router.record(x.route, { latencyMs, error: effect === 'failure' });
    }
    this.record(x, response, error, outcome, durationMs);
    x.observation?.finished({
      outcome,
      status: response?.statusCode,
      error,
      durationMs,
      attempts: x.attempts,
      endpoint: x.endpoint === NO_ENDPOINT ? undefined : x.endpoint,
      bytesOutWire: response?.bytesOutWire,
      bytesInWire: response?.bytesInWire,
    });
    this.inflight--;
    if (this.inflight === 0) this.notifyIdle();
  }

  /** The record step: one outcome per logical request, with the bytes of its last attempt on the wire. */
  private readonly recordOutcome = (
    x: Exchange,
    response: ResponseFigures | undefined,
    error: unknown,
    outcome: OutcomeKind,
    durationMs: number,
  ): void => {
    let bytesOutLogical = 0;
    let bytesOutWire = 0;
    if (response !== undefined) {
      bytesOutLogical = response.bytesOutLogical;
      bytesOutWire = response.bytesOutWire;
    } else {
      const body = x.req.body;
      if (body !== undefined && !isStreamedBody(body))
        bytesOutLogical = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    }
    const { cluster, endpoint, qosClass } = x;
    const route = x.route?.id ?? cluster;
    let series = this.lastSeries;
    const labels = series?.labels;
    if (
      labels === undefined ||
      labels.endpoint !== endpoint ||
      labels.route !== route ||
      labels.cluster !== cluster ||
      labels.qosClass !== qosClass
    ) {
      series = this.metrics!.series({ cluster, endpoint, route, qosClass });
      this.lastSeries = series;
    }
    series!.record({
      durationMs,
      status: response?.statusCode,
      outcome,
      errorKind: error === undefined ? undefined : classifyError(error),
      bytesOutLogical,
      bytesOutWire,
      bytesInLogical: response?.bytesInLogical ?? 0,
      bytesInWire: response?.bytesInWire ?? 0,
    });
  };

  private batcherOf(cluster: string): RequestBatcher | undefined {
    let batcher = this.batchers.get(cluster);
    const path = this.batchPaths.get(cluster);
    if (batcher || path === undefined) return batcher;
    batcher = this.factories.batcher(
      (batch, signal) => this.sendBatch(cluster, path, batch, signal),
      this.batching,
    );
    this.batchers.set(cluster, batcher);
    if (this.batchers.size === 1 && this.metrics && this.options.monitoring) {
      this.sources.push(
        this.metrics.registerSource('batching', () =>
          mergeBatchStats([...this.batchers.values()].map((b) => b.stats())),
        ),
      );
    }
    return batcher;
  }

  private async sendBatch(
    cluster: string,
    path: string,
    batch: EncodedBatch,
    signal: AbortSignal,
  ): Promise<BatchResponse> {
    const body =
      typeof batch.body === 'string'
        ? batch.body
        : Buffer.from(batch.body.buffer, batch.body.byteOffset, batch.body.byteLength);
    // Admitted in the class of its most urgent call when such a class exists; retried only when every call may run twice.
    const priority = this.scheduler.classNames.includes(batch.priority) ? batch.priority : undefined;
    // The body is read within each attempt, so a malformed one fails that attempt (charged to its
    // endpoint, retried when every call may run twice); what was read is handed on, not read again.
    const readBody = batch.readBody;
    let read: { response: HttpResponse; answer: BatchResponse } | undefined;
    const checkBody =
      readBody === undefined
        ? undefined
        : (response: HttpResponse): void => {
            const answer = batchResponseOf(response);
            answer.parsed = readBody(answer);
            read = { response, answer };
          };
    const response = await this.requestOf(
      { method: 'POST', path, headers: { ...batch.headers }, body, cluster },
      { signal, idempotent: batch.idempotent, priority },
      'batch',
      checkBody,
    );
    return read?.response === response ? read.answer : batchResponseOf(response);
  }

  private registerSources(metrics: MetricsRegistry): void {
    this.sources.push(
      metrics.registerSource('pools', () => this.pool.stats()),
      metrics.registerSource('clusters', () => this.clusters.stats()),
      metrics.registerSource('breakers', () => this.breakers.stats()),
      metrics.registerSource('routing', () => collectRoutingStats(this.router, this.scheduler)),
    );
  }

  private notifyIdle(): void {
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }

  private stop(): void {
    for (const dispose of this.sources.splice(0)) dispose();
    this.clusters.close();
    this.breakers.shutdown();
    this.logger?.debug('network client stopped', { clusters: this.batchPaths.size });
  }
}

/** The batcher's view of a batch's response. */
function batchResponseOf(response: HttpResponse): BatchResponse {
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

/** The record step when monitoring is off. */
function skipRecord(): void {}

function breakerOptions(config: CircuitBreakerConfig = {}): Omit<CircuitBreakerConfig, 'fallback'> {
  const { fallback: _fallback, ...options } = config;
  return options;
}
