/**
 * Pipeline order — every request walks these steps, in this order, built once per configuration:
 *
 *   route → admit → retry → (hedge) → pick → breaker → send → (record)
 *
 * - **route** first: the route decides the cluster, the QoS class and the policy (deadline,
 *   retries, request-body compression) every later step reads. A request without a matching route goes to the cluster it
 *   names, with the default class.
 * - **admit** before retry: retries of a request hold its one permit, so they count against the
 *   cluster's concurrency limit and cannot amplify an overload behind the scheduler's back; a
 *   request shed here never costs an upstream anything.
 * - **retry** around pick and breaker: each attempt picks again, excluding the endpoints earlier
 *   attempts failed on, so a retry lands on another endpoint; every retry is paid from the
 *   retry budget, within the overall deadline.
 * - **hedge** (a route's `policy.hedge`, idempotent requests) inside retry: after the delay a
 *   backup attempt goes to another endpoint; the first answer wins and the others are aborted.
 *   A retry after a hedged attempt that failed altogether is hedged again.
 * - **pick** before breaker: the breaker is per endpoint (with its cluster's settings), so it
 *   can only be chosen once the endpoint is; an open circuit fails that attempt fast and the retry tries an endpoint whose
 *   circuit is closed.
 * - **send** innermost: the pool of the endpoint's origin (keep-alive, bounded queue), within
 *   the route's `policy.perTryTimeoutMs`. Each attempt is classified once by the outcome
 *   classifier (`@slipstream/resilience`'s `OUTCOME_EFFECTS`): the endpoint state (latency
 *   estimate, outlier detection) and the limiter learn its verdict; the route chooser and the
 *   metrics registry (with the last attempt's wire and logical bytes) learn the logical
 *   request's verdict. Every bound `RequestObserver` is called at each of these points.
 *
 * With monitoring off the record step is absent (a no-op method in its place), not a branch.
 *
 * `stream()` walks the same steps, but its request ends when its body does: the permit, the
 * in-flight count, the endpoint's outcome and the record wait for the body to be read to its
 * end, to error or to be destroyed. The breaker's verdict is given at the headers, so that its
 * timeout bounds the wait for them and never cuts a long body.
 */
import {
  ClientClosedError,
  InvalidRequestError,
  RequestAbortedError,
  TOKENS,
  type AdvancedRoutingConfig,
  type BatchStats,
  type BreakerStats,
  type CompressionAlgorithm,
  type CircuitBreakerConfig,
  type ClusterStats,
  type ConnectionPoolingConfig,
  type Disposer,
  type EventBus,
  type Logger,
  type AttemptObservation,
  type ObservedRequest,
  type OutcomeKind,
  type RequestObservation,
  type RequestObserver,
  type QosClassConfig,
  type RequestBatchingConfig,
  type RoutingStats,
} from '@slipstream/contracts';
import { ClusterManager, HealthChecker, type Cluster, type EndpointState } from '@slipstream/balancer';
import { mergeBatchStats, RequestBatcher, type EncodedBatch, type BatchResponse } from '@slipstream/batching';
import {
  HttpResponse,
  HttpStreamResponse,
  isStreamedBody,
  type HttpPoolStats,
  type HttpRequest,
  type HttpRequestOptions,
  type PoolManager,
  validateRequest,
} from '@slipstream/http';
import { classifyError, type MetricsRegistry } from '@slipstream/monitor';
import {
  CircuitBreakerRegistry,
  Hedger,
  type HedgeStats,
  classifyError as classifyOutcome,
  classifyStatus as classifyStatusOutcome,
  isRetryableOutcome,
  OUTCOME_EFFECTS,
  RetryPolicy,
  type BreakerExecuteOptions,
  type RetryAttempt,
  type RetryExecuteOptions,
  type RetryStats,
} from '@slipstream/resilience';
import {
  collectRoutingStats,
  QosScheduler,
  applyRoutingConfig,
  Router,
  type ConcurrencySettings,
  type Permit,
  type ResolvedRoute,
  type RoutePolicy,
} from '@slipstream/routing';
import { inject, injectable, multiInject, optional, unmanaged } from 'inversify';
import type {
  ClientCallOptions,
  ClientNotifyOptions,
  ClientRequest,
  ClientRequestOptions,
} from './ClientRequest';
import { CLIENT_OPTIONS } from './CLIENT_OPTIONS';
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
import { UpstreamResponseError } from './errors/UpstreamResponseError';
import {
  CLIENT_DEFAULTS,
  resolveClientOptions,
  type ClientClusterConfig,
  type NetworkClientOptions,
  type ResolvedClientOptions,
} from './NetworkClientOptions';

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

/** Methods whose requests are retried unless the caller says otherwise. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** The hedge budget of a route (the retry policy's default budget). */
const HEDGE_BUDGET = Object.freeze({ ratio: 0.2, minPerSecond: 10 });
/** The endpoint label of an outcome that reached no endpoint (shed, no route). */
const NO_ENDPOINT = '(none)';
const NO_OPTIONS: ClientRequestOptions = Object.freeze({});
/** The headers observers read for a request without any. */
const NO_HEADERS: Record<string, string> = Object.freeze({});

/** What the learn and record steps read of a response, buffered or streamed. */
type ResponseFigures = Pick<
  HttpResponse,
  'statusCode' | 'bytesOutLogical' | 'bytesOutWire' | 'bytesInLogical' | 'bytesInWire'
>;

/**
 * One request on its way through the pipeline. It doubles as the options object of the
 * scheduler, the retry policy and the breaker, so a request allocates no option bags.
 */
class Exchange implements RetryExecuteOptions, BreakerExecuteOptions<HttpResponse> {
  readonly signal: AbortSignal | undefined;
  /** The cluster's name (the breakers' options are per cluster). */
  readonly cluster: string;
  readonly bucket: ResolvedRoute['bucket'];
  readonly deadline: number | undefined;
  readonly start = performance.now();
  /** The route's request-body compression; undefined: the origin's. */
  readonly compression: CompressionAlgorithm | undefined;
  /** The pool drops the breaker's signal when a request settles, so the breaker may reuse it. */
  readonly releasesSignal = true;
  /** The admission permit, once granted. */
  permit: Permit | undefined;
  /** When the response (its headers, for a stream) arrived; 0: not yet, or a buffered request. */
  respondedAt = 0;
  endpoint = NO_ENDPOINT;
  /** A stream's 5xx/429 response held back while the retry policy decides; dumped when it retries. */
  held: HttpStreamResponse | undefined;
  /** The endpoint a stream's body comes from, with its time to the headers: it learns the body's end. */
  bodyFrom: EndpointState | undefined;
  bodyRttMs = 0;
  /** What cuts a stream's body when the caller aborts, until the body is over. */
  bodyCut: BodyCut | undefined;
  /** The retry policy's view of the attempt under way, when the retry step applies. */
  attempt: RetryAttempt | undefined;
  /** The classifier's verdict on the last attempt, and the error it ended with (if any). */
  outcome: OutcomeKind = 'success';
  attemptError: unknown = undefined;
  /** The route's extra retryable statuses (`policy.retryOn`). */
  readonly retryOn: readonly number[] | undefined;
  /** The route's per-attempt time limit (`policy.perTryTimeoutMs`), ms. */
  readonly perTryTimeoutMs: number | undefined;
  /** The observers' view of this request; undefined when no observer is bound. */
  observation: RequestObservation | undefined;
  /** The observers' view of the attempt under way. */
  attemptObservation: AttemptObservation | undefined;
  /** The headers of the attempt under way, when observers may add to them (a copy per attempt). */
  attemptHeaders: Record<string, string> | undefined;
  /** Attempts started (retries and hedges included); counted on the request's own exchange. */
  attempts = 0;
  /** The request's own exchange (a hedged attempt's view points back to it). */
  root: Exchange = this;
  /** 0 for the primary attempt, n for the n-th hedge. */
  hedgeIndex = 0;
  /** The route's hedging policy, when this request may be hedged (idempotent). */
  readonly hedge: RoutePolicy['hedge'];

  constructor(
    readonly req: ClientRequest,
    readonly opts: ClientRequestOptions,
    readonly method: string,
    readonly route: ResolvedRoute | undefined,
    readonly balancer: Cluster,
    readonly qosClass: string,
    readonly idempotent: boolean,
    /** Whether the retry step applies: idempotent, and the route does not forbid retries. */
    readonly retry: boolean,
    /** The route's `policy.retries`; undefined: the retry policy's own. */
    readonly maxRetries: number | undefined,
    timeoutMs: number | undefined,
    readonly fallback: BreakerExecuteOptions<HttpResponse>['fallback'],
  ) {
    this.signal = opts.signal;
    this.cluster = balancer.name;
    this.bucket = route?.bucket;
    this.deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    this.compression = route?.policy.compression;
    this.retryOn = route?.policy.retryOn;
    this.perTryTimeoutMs = route?.policy.perTryTimeoutMs;
    this.hedge = idempotent ? route?.policy.hedge : undefined;
  }

  /** Time left until the deadline, ms; undefined without one. */
  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(1, this.deadline - Date.now());
  }

  /** The pool request of an attempt on `endpoint`. */
  poolRequest(endpoint: EndpointState): HttpRequest {
    const req = this.req;
    return {
      origin: endpoint.origin,
      path: req.path,
      method: this.method,
      headers: this.attemptHeaders ?? req.headers,
      body: req.body,
    };
  }

  /** The time limit of one attempt: the per-try timeout, within what is left of the deadline, ms. */
  attemptTimeoutMs(): number | undefined {
    const remaining = this.remainingMs();
    const perTry = this.perTryTimeoutMs;
    if (perTry === undefined) return remaining;
    return remaining === undefined ? perTry : Math.min(perTry, remaining);
  }

  /**
   * The pool options of an attempt whose breaker gave it `signal`. A stream's breaker call ends
   * at the headers, and the caller's own signal cuts its body (`cutOnAbort`): its pool request
   * listens to the breaker's signal until the headers only, so the breaker may reuse it.
   */
  poolOptions(signal: AbortSignal, stream: boolean): HttpRequestOptions {
    return {
      signal,
      signalUntilHeaders: stream,
      timeoutMs: this.attemptTimeoutMs(),
      idempotent: this.idempotent,
      compression: this.compression,
    };
  }
}

/** `process.emitWarning` code of a cluster that skips certificate verification, when no logger is given. */
export const INSECURE_TLS_WARNING = 'SLIP_WARN_INSECURE_TLS';

/**
 * The request pipeline: router → scheduler → retry → balancer → breaker → pool, with the
 * monitor recording every logical request (see the "Pipeline order" comment at the top of this
 * file). Also offered as an undici `Dispatcher` (`asDispatcher()`), and as a JSON-RPC batcher
 * per cluster (`call()`), whose batches travel the same pipeline.
 */
@injectable()
export class NetworkClient {
  readonly #options: ResolvedClientOptions;
  readonly #pool: PoolManager;
  readonly #metrics: MetricsRegistry | undefined;
  readonly #bus: EventBus | undefined;
  readonly #logger: Logger | undefined;
  readonly #ownsPool: boolean;
  readonly #clusters: ClusterManager;
  readonly #router: Router;
  #scheduler: QosScheduler;
  readonly #breakers: CircuitBreakerRegistry;
  readonly #retry: RetryPolicy;
  readonly #batchPaths = new Map<string, string>();
  /** Clusters already warned about for skipping certificate verification (once each). */
  readonly #insecureClusters = new Set<string>();
  /** The config in force of each cluster (origins canonical), for the shared-origin check. */
  readonly #clusterConfigs = new Map<string, ClientClusterConfig>();
  readonly #batchers = new Map<string, RequestBatcher>();
  #batching: RequestBatchingConfig;
  #fallback: BreakerExecuteOptions<HttpResponse>['fallback'] = undefined;
  /** Fallbacks of clusters configured on their own (`undefined`: none, even when a default exists). */
  readonly #clusterFallbacks = new Map<string, BreakerExecuteOptions<HttpResponse>['fallback']>();
  readonly #record: (
    x: Exchange,
    response: ResponseFigures | undefined,
    error: unknown,
    outcome: OutcomeKind,
    durationMs: number,
  ) => void;
  readonly #sources: Disposer[] = [];
  #dispatcher: ClientDispatcher | undefined;
  /** Streamed responses whose bodies are still open (`destroy()` cuts them). */
  readonly #streams = new Set<HttpStreamResponse>();
  #inflight = 0;
  #idle: (() => void)[] = [];
  #closed = false;
  /** The hedger of each hedging route, with the policy it was built from. */
  readonly #hedgers = new Map<string, { config: NonNullable<RoutePolicy['hedge']>; hedger: Hedger }>();
  /** The bound request observers as one; undefined when none is bound. */
  readonly #observer: RequestObserver | undefined;

  constructor(
    @inject(CLIENT_OPTIONS) options: NetworkClientOptions,
    @inject(TOKENS.PoolManager) pool: PoolManager,
    @inject(TOKENS.MetricsRegistry) @optional() metrics?: MetricsRegistry,
    @inject(TOKENS.EventBus) @optional() bus?: EventBus,
    @inject(TOKENS.Logger) @optional() logger?: Logger,
    /** Every bound request observer (tracing, access logs); none: no observer work at all. */
    @multiInject(TOKENS.RequestObserver) @optional() observers: readonly RequestObserver[] = [],
    /** Whether `close()` and `destroy()` also close `pool` (true when `createNetworkClient` built it). */
    @unmanaged() ownsPool = false,
  ) {
    this.#observer = fanOutObservers(observers ?? []);
    this.#options = resolveClientOptions(options);
    this.#pool = pool;
    this.#metrics = metrics;
    this.#bus = bus;
    this.#logger = logger;
    this.#ownsPool = ownsPool;
    this.#breakers = new CircuitBreakerRegistry(bus, logger);
    this.configureBreakers(options.breaker ?? {});
    this.#retry = new RetryPolicy(options.retry);
    this.#batching = options.batching ?? {};
    this.#clusters = new ClusterManager(new HealthChecker(), bus, logger);
    try {
      options.clusters.forEach((cluster, i) => {
        try {
          this.configureCluster(cluster);
        } catch (err) {
          throw prefixIssues(err, `clusters[${i}].`);
        }
      });
      this.#router = new Router(
        {
          routes: options.routes,
          classes: options.classes,
          defaultQosClass: this.#options.defaultQosClass,
          knownClusters: () => this.#batchPaths.keys(),
        },
        bus,
      );
      this.#scheduler = this.#newScheduler(options);
    } catch (err) {
      this.#clusters.close();
      throw err;
    }
    this.#record = metrics && this.#options.monitoring ? this.#recordOutcome : skipRecord;
    if (metrics && this.#options.monitoring) this.#registerSources(metrics);
  }

  /**
   * Sends `req` through the pipeline and resolves with the response, whatever its status (a
   * 5xx after the last retry included). Rejects with a `SlipstreamError` when no response
   * arrived: `InvalidRequestError` (bad path, method, header, body or option; nothing sent), `NoRouteError`, `OverloadedError` / `QueueTimeoutError` (shed at admission),
   * `BrokenCircuitError`, `NoHealthyEndpointError`, `RequestTimeoutError`, `RequestAbortedError`,
   * `ConnectionError`, `ClientClosedError`, ...
   */
  request(req: ClientRequest, opts: ClientRequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    return this.#request(req, opts, 'request');
  }

  /** `request()`, observed as a request of `kind` (a JSON-RPC batch is one). */
  async #request(
    req: ClientRequest,
    opts: ClientRequestOptions,
    kind: ObservedRequest['kind'],
  ): Promise<HttpResponse> {
    validateRequest(req);
    // A batch's options are the batcher's own, checked per call by `call()` / `notify()`.
    if (kind !== 'batch') validateRequestOptions(opts, 'request');
    const x = this.#begin(req, opts, kind);
    let response: HttpResponse | undefined;
    let error: unknown;
    try {
      response = await this.#admitted(x, x.hedge ? this.#hedgedAttempt : this.#attempt);
    } catch (err) {
      error = err;
    }
    this.#end(x, response, error);
    if (response === undefined) throw error;
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
    const x = this.#begin(req, opts, 'stream');
    let response: HttpStreamResponse;
    try {
      response = await this.#admitted(x, this.#streamAttempt);
    } catch (err) {
      dump(x);
      this.#end(x, undefined, err);
      throw err;
    }
    if (x.held !== response) dump(x);
    this.#streams.add(response);
    void response.ended.then((bodyError) => {
      this.#bodyEnded(x, bodyError);
      this.#streams.delete(response);
      this.#end(x, response, bodyError);
    });
    return response;
  }

  /**
   * Queues one JSON-RPC call in the batcher of `opts.cluster` (default: the first cluster);
   * the batch goes to the cluster's batch path through `request()`, so it travels the same
   * pipeline. Resolves with the call's own result; rejects with its own error (`RpcError`, ...).
   */
  call<T = unknown>(method: string, params?: unknown, opts: ClientCallOptions = {}): Promise<T> {
    const batcher = this.#callBatcher(method, opts, 'call');
    return batcher instanceof Error ? Promise.reject(batcher) : batcher.call<T>(method, params, opts);
  }

  /**
   * Queues one JSON-RPC notification (a call without an id, which gets no answer) like `call()`.
   * Resolves once the batch that carried it was sent and answered at the HTTP level; rejects
   * when that batch could not be sent (`ConnectionError`, `RequestTimeoutError`, ...).
   */
  notify(method: string, params?: unknown, opts: ClientNotifyOptions = {}): Promise<void> {
    const batcher = this.#callBatcher(method, opts, 'notify');
    return batcher instanceof Error ? Promise.reject(batcher) : batcher.notify(method, params, opts);
  }

  /** The batcher of the named cluster (default: the first), or the error a call to it rejects with (bad method or options included). */
  #callBatcher(method: unknown, opts: ClientNotifyOptions, kind: 'call' | 'notify'): RequestBatcher | Error {
    if (this.#closed) return new ClientClosedError('the network client is closed');
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
    const name = opts.cluster ?? this.#options.clusters[0]?.cluster;
    if (name === undefined) return new NoRouteError('no cluster is configured and the call names none');
    return this.#batcherOf(name) ?? new NoRouteError(`no cluster named "${name}"`);
  }

  /**
   * An undici `Dispatcher` over this pipeline: `undici.request(url, { dispatcher })` and
   * `fetch(url, { dispatcher })` go through route, admission, retry, balancer, breaker and pool
   * as `stream()` does, so their bodies stream with backpressure and hold the permit until they
   * are read, fail or are aborted. The URL's origin picks the cluster when no route matches: the
   * cluster with that endpoint, else the cluster named like the URL's host name.
   */
  asDispatcher(): ClientDispatcher {
    this.#dispatcher ??= new ClientDispatcher(this);
    return this.#dispatcher;
  }

  /** The cluster a URL origin stands for: the one with an endpoint at `origin`, else the one named like its host. */
  clusterOf(origin: string): string | undefined {
    for (const stats of this.#clusters.stats()) {
      if (stats.endpoints.some((e) => e.origin === origin)) return stats.cluster;
    }
    const host = URL.canParse(origin) ? new URL(origin).hostname : origin;
    return this.#batchPaths.has(host) ? host : undefined;
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
    checkSharedOrigins(config, this.#clusterConfigs.values());
    try {
      this.#pool.updateOptions({ origins: upstreamOrigins(config) });
    } catch (err) {
      throw asClusterError(err, config);
    }
    if (skipsVerification(config) && !this.#insecureClusters.has(config.cluster)) {
      this.#insecureClusters.add(config.cluster);
      this.#warnInsecure(config.cluster);
    }
    const { batchPath, ...balancing } = config;
    const cluster = this.#clusters.configure(balancing);
    this.#batchPaths.set(config.cluster, batchPath ?? CLIENT_DEFAULTS.batchPath);
    this.#clusterConfigs.set(config.cluster, config);
    return cluster;
  }

  #warnInsecure(cluster: string): void {
    const message = 'TLS certificate verification is off for a cluster (tls.rejectUnauthorized: false)';
    if (this.#logger) this.#logger.warn(message, { cluster });
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
    this.#breakers.updateOptions(breakerOptions(config));
    if (config.fallback === undefined) return;
    if (config.cluster === undefined) this.#fallback = fallbackOf(config);
    else this.#clusterFallbacks.set(config.cluster, fallbackOf(config));
  }

  /**
   * Replaces routes, classes and (when given) the concurrency settings, in place: learned
   * limits and counters are kept. Everything is validated first: an invalid config throws a
   * `ConfigError` listing every reason and the old one stays. Requests in flight finish under
   * the route they resolved when they started.
   */
  configureRouting(config: AdvancedRoutingConfig): void {
    applyRoutingConfig(this.#router, this.#scheduler, config);
  }

  /** The QoS class of requests that name none and whose route names none (`configureRouting` may change it). */
  get defaultQosClass(): string {
    return this.#router.table.defaultQosClass;
  }

  /** The concurrency settings in force (adaptive, or fixed at `initialLimit`), every default filled in. */
  get concurrencySettings(): Readonly<ConcurrencySettings> {
    return this.#scheduler.concurrencySettings;
  }

  /** Applies batching settings to every batcher (and later ones). Throws `ConfigError` and keeps the old ones when invalid. */
  configureBatching(config: RequestBatchingConfig): void {
    for (const batcher of this.#batchers.values()) batcher.updateOptions(config);
    this.#batching = { ...this.#batching, ...config };
  }

  /** Applies pooling settings (`PoolManager.updateOptions`). Throws `ConfigError` and keeps the old ones when invalid. */
  configurePooling(config: ConnectionPoolingConfig): Readonly<Required<ConnectionPoolingConfig>> {
    return this.#pool.updateOptions(config);
  }

  /** Measured state of every stage: pools, clusters, breakers, batchers, routing, retries. */
  stats(): NetworkClientStats {
    const batching: Record<string, BatchStats> = {};
    for (const [cluster, batcher] of this.#batchers) batching[cluster] = batcher.stats();
    return {
      pools: this.#pool.stats(),
      clusters: this.#clusters.stats(),
      breakers: this.#breakers.stats(),
      batching,
      routing: collectRoutingStats(this.#router, this.#scheduler),
      retry: this.#retry.stats(),
      hedging: Object.fromEntries([...this.#hedgers].map(([id, h]) => [id, h.hedger.stats()])),
    };
  }

  /**
   * Refuses new work, flushes the batchers, waits for every request in flight (streams: until
   * their bodies are over), then stops health checks, outlier and breaker timers (and closes
   * the pool when the client owns it).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#batchers.values()].map((b) => b.close()));
    this.#closed = true;
    if (this.#inflight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#stop();
    if (this.#ownsPool) await this.#pool.close();
  }

  /**
   * Refuses new work and stops every timer at once; cuts open stream bodies with
   * `ClientClosedError`; with an owned pool, also cuts requests in flight.
   */
  async destroy(): Promise<void> {
    this.#closed = true;
    const err = new ClientClosedError('the network client was destroyed');
    for (const stream of [...this.#streams]) stream.body.destroy(err);
    this.#stop();
    if (this.#ownsPool) await this.#pool.destroy();
  }

  #exchange(req: ClientRequest, opts: ClientRequestOptions, kind: ObservedRequest['kind']): Exchange {
    const method = req.method ?? 'GET';
    const router = this.#router;
    // Without routes there is nothing to match (and no request object to build for it); a
    // batch goes to the cluster its calls named, never where the route table would send it.
    const route =
      router.table.routes.length === 0 || kind === 'batch'
        ? undefined
        : router.resolve({ method, path: req.path, host: req.host, headers: req.headers });
    const name = route?.cluster ?? req.cluster;
    const cluster = name === undefined ? undefined : this.#clusters.get(name);
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
      opts.timeoutMs ?? route?.policy.timeoutMs ?? (this.#options.defaultTimeoutMs || undefined);
    const qosClass = opts.priority ?? route?.qosClass ?? router.table.defaultQosClass;
    // A caller's unknown class is refused before the request is observed: no outcome, series or label.
    if (opts.priority !== undefined) this.#scheduler.checkClass(qosClass);
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
      this.#clusterFallbacks.size > 0 && this.#clusterFallbacks.has(cluster.name)
        ? this.#clusterFallbacks.get(cluster.name)
        : this.#fallback,
    );
  }

  /** Opens a logical request: refused once closed, counted in flight until `#end`. */
  #begin(req: ClientRequest, opts: ClientRequestOptions, kind: ObservedRequest['kind']): Exchange {
    if (this.#closed) throw new ClientClosedError('the network client is closed');
    const x = this.#exchange(req, opts, kind);
    if (this.#observer) {
      x.observation = this.#observer.requestStarted({
        method: x.method,
        path: req.path,
        cluster: x.cluster,
        route: x.route?.id ?? '',
        qosClass: x.qosClass,
        kind,
      });
    }
    // Not `++`/`--`: tsx/esbuild lower `#` fields of decorated classes, and `this.#x++` then allocates a wrapper.
    this.#inflight = this.#inflight + 1;
    return x;
  }

  /**
   * admit, then `attempt` once or under the retry policy (the permit stays on `x` for `#end`).
   * Resolves with the response, whatever its status: a 5xx or 429 left after the last attempt too.
   */
  async #admitted<R extends HttpResponse | HttpStreamResponse>(
    x: Exchange,
    attempt: (x: Exchange, attempt?: RetryAttempt) => Promise<R>,
  ): Promise<R> {
    x.permit = await this.#scheduler.acquire(x.cluster, x.qosClass, x);
    x.observation?.admitted(x.permit.queuedMs);
    try {
      return await (x.retry ? this.#retry.execute((a) => attempt(x, a), x) : attempt(x));
    } catch (err) {
      if (err instanceof UpstreamResponseError) return err.response as R;
      throw err;
    }
  }

  /** pick → breaker → send, for one attempt. */
  readonly #attempt = (x: Exchange, attempt?: RetryAttempt): Promise<HttpResponse> => {
    x.attempt = attempt;
    const endpoint = this.#pick(x, attempt);
    return this.#breakers.execute(endpoint.origin, (signal) => this.#send(x, endpoint, signal), x);
  };

  /**
   * The hedge step around pick → breaker → send: the primary attempt, and after the route's
   * delay a backup on another endpoint (each on its own view of `x`, with its own signal); the
   * first answer wins and the others are aborted (their pool requests cut, their slots freed,
   * their outcome a cancellation). Fails with the last failure when every attempt failed.
   */
  readonly #hedgedAttempt = (x: Exchange, attempt?: RetryAttempt): Promise<HttpResponse> => {
    const hedger = this.#hedgerOf(x.route!, x.hedge!);
    const busy = new Set<string>(attempt?.excluded);
    return hedger.execute(
      async (signal, index) => {
        const view = hedgeView(x, signal, index);
        const own: RetryAttempt = { attempt: attempt?.attempt ?? 0, excluded: busy, signal };
        const endpoint = this.#pick(view, own);
        busy.add(endpoint.origin);
        if (index === 0 && attempt) attempt.endpoint = endpoint.origin;
        try {
          const response = await this.#breakers.execute(
            endpoint.origin,
            (s) => this.#send(view, endpoint, s),
            view,
          );
          x.outcome = view.outcome;
          x.endpoint = view.endpoint;
          return response;
        } catch (error) {
          x.outcome = view.outcome;
          x.attemptError = error;
          if (attempt) attempt.outcome = view.outcome;
          throw error;
        }
      },
      { idempotent: true, signal: x.signal },
    );
  };

  /** The hedger of a route's hedging policy (a new one when the policy changed). */
  #hedgerOf(route: ResolvedRoute, config: NonNullable<RoutePolicy['hedge']>): Hedger {
    const known = this.#hedgers.get(route.id);
    if (known?.config === config) return known.hedger;
    const hedger = new Hedger({
      delayMs: config.delayMs,
      percentile: config.quantile,
      maxExtra: config.maxExtra,
      // Budgeted like retries: 20 % of requests plus 10 per second.
      budget: HEDGE_BUDGET,
    });
    this.#hedgers.set(route.id, { config, hedger });
    return hedger;
  }

  /** The balancer's endpoint for one attempt (not one an earlier attempt failed on). */
  #pick(x: Exchange, attempt: RetryAttempt | undefined): EndpointState {
    const endpoint = x.balancer.pick({
      stickyKey: x.opts.stickyKey,
      headers: x.req.headers,
      exclude: attempt?.excluded,
    });
    if (attempt) attempt.endpoint = endpoint.origin;
    x.endpoint = endpoint.origin;
    return endpoint;
  }

  /**
   * pick → breaker → send for one streamed attempt. The breaker's call ends at the headers: it
   * judges the exchange up to them, and its `timeoutMs` cannot cut a body that streams longer.
   */
  readonly #streamAttempt = (x: Exchange, attempt?: RetryAttempt): Promise<HttpStreamResponse> => {
    dump(x);
    x.respondedAt = 0;
    x.attempt = attempt;
    const endpoint = this.#pick(x, attempt);
    return this.#breakers.execute(
      endpoint.origin,
      (signal) => this.#sendStream(x, endpoint, signal),
      streamBreakerOptions(x),
    );
  };

  /**
   * Sends one attempt on the endpoint's pool; the attempt is classified once and the endpoint
   * and the limiter learn its verdict. A response the retry step may act on (an upstream
   * failure or overload, a status in the route's `retryOn`) throws `UpstreamResponseError`.
   */
  async #send(x: Exchange, endpoint: EndpointState, signal: AbortSignal): Promise<HttpResponse> {
    const cluster = x.balancer;
    cluster.onStart(endpoint);
    this.#attemptStarted(x, endpoint);
    const sent = performance.now();
    let response: HttpResponse;
    try {
      response = await this.#pool.request(x.poolRequest(endpoint), x.poolOptions(signal, false));
    } catch (error) {
      this.#attemptFailed(x, endpoint, performance.now() - sent, signal, error);
      throw error;
    }
    const status = response.statusCode;
    const outcome = classifyStatusOutcome(status, 'retry-after' in response.headers);
    this.#attemptEnded(x, endpoint, performance.now() - sent, outcome, status, undefined);
    if (failsAttempt(outcome, status, x.retryOn)) throw new UpstreamResponseError(response);
    return response;
  }

  /**
   * Streams one attempt from the endpoint's pool and settles at the headers: a response the
   * retry step may act on throws (held on `x` until the retry policy decides); any other is
   * returned, and the endpoint learns the verdict, with the time to the headers, when the body
   * is over (a body that breaks off counts against it: outlier detection and its latency
   * estimate). The caller's signal still cuts the body after the breaker's call has ended.
   */
  async #sendStream(x: Exchange, endpoint: EndpointState, signal: AbortSignal): Promise<HttpStreamResponse> {
    const cluster = x.balancer;
    cluster.onStart(endpoint);
    this.#attemptStarted(x, endpoint);
    const sent = performance.now();
    let response: HttpStreamResponse;
    try {
      response = await this.#pool.stream(x.poolRequest(endpoint), x.poolOptions(signal, true));
    } catch (error) {
      this.#attemptFailed(x, endpoint, performance.now() - sent, signal, error);
      throw error;
    }
    x.respondedAt = performance.now();
    const rttMs = x.respondedAt - sent;
    const status = response.statusCode;
    const outcome = classifyStatusOutcome(status, 'retry-after' in response.headers);
    if (failsAttempt(outcome, status, x.retryOn)) {
      this.#attemptEnded(x, endpoint, rttMs, outcome, status, undefined);
      x.held = response;
      throw new UpstreamResponseError(response);
    }
    x.outcome = outcome;
    x.permit?.sample({ rttMs, dropped: false });
    x.attemptObservation?.finished({ outcome, status });
    x.attemptObservation = undefined;
    x.bodyCut = x.signal && cutOnAbort(response, x.signal);
    // `stream()` hands the endpoint the body's end (`#bodyEnded`), in the one reaction to `ended` it has.
    x.bodyFrom = endpoint;
    x.bodyRttMs = rttMs;
    return response;
  }

  /** An attempt ended without a response: classified from its error, learned and recorded. */
  #attemptFailed(
    x: Exchange,
    endpoint: EndpointState,
    rttMs: number,
    signal: AbortSignal,
    error: unknown,
  ): void {
    this.#attemptEnded(x, endpoint, rttMs, attemptErrorOutcome(x, signal, error), undefined, error);
  }

  /** A stream's body is over: the endpoint it came from learns it (a body that breaks off is its failure, unless the caller cut it). */
  #bodyEnded(x: Exchange, error: unknown): void {
    x.bodyCut?.stop();
    const endpoint = x.bodyFrom;
    if (endpoint === undefined) return;
    const effect =
      error === undefined
        ? OUTCOME_EFFECTS[x.outcome].endpoint
        : OUTCOME_EFFECTS[classifyOutcome(error, x)].endpoint;
    x.balancer.onEnd(endpoint, { rttMs: x.bodyRttMs, effect });
  }

  /**
   * Counts an attempt and, with observers, tells them (with a copy of the headers when one of
   * them adds to them, else with the request's own).
   */
  #attemptStarted(x: Exchange, endpoint: EndpointState): void {
    const root = x.root;
    root.attempts = root.attempts + 1;
    const observation = x.observation;
    if (observation === undefined) return;
    const own = x.req.headers;
    let headers: Record<string, string>;
    if (this.#observer!.addsHeaders === true) {
      headers = {};
      if (own) for (const name of Object.keys(own)) headers[name] = String(own[name]);
      x.attemptHeaders = headers;
    } else {
      headers = own ?? NO_HEADERS;
    }
    const n = root.attempts;
    x.attemptObservation = observation.attemptStarted(
      x.hedgeIndex > 0
        ? { attempt: n, endpoint: endpoint.origin, reason: 'hedge' }
        : n === 1
          ? { attempt: 1, endpoint: endpoint.origin, reason: 'first' }
          : { attempt: n, endpoint: endpoint.origin, reason: 'retry', retryOf: root.outcome },
      headers,
    );
  }

  /** One attempt is over with `outcome`: the retry step, the endpoint and the limiter learn it. */
  #attemptEnded(
    x: Exchange,
    endpoint: EndpointState,
    rttMs: number,
    outcome: OutcomeKind,
    status: number | undefined,
    error: unknown,
  ): void {
    x.outcome = outcome;
    x.attemptError = error;
    if (x.attempt) x.attempt.outcome = outcome;
    x.attemptObservation?.finished({ outcome, status, error });
    x.attemptObservation = undefined;
    const effects = OUTCOME_EFFECTS[outcome];
    x.balancer.onEnd(endpoint, { rttMs, effect: effects.endpoint });
    if (effects.limiter !== 'ignore') x.permit?.sample({ rttMs, dropped: effects.limiter === 'drop' });
  }

  /** The logical request is over: its slot is freed, the route chooser and the monitor learn it; close() may proceed. */
  #end(x: Exchange, response: ResponseFigures | undefined, error: unknown): void {
    const outcome = requestOutcome(x, response, error);
    const durationMs = performance.now() - x.start;
    x.permit?.release();
    if (x.route && x.permit) {
      const effect = OUTCOME_EFFECTS[outcome].endpoint;
      // A stream's latency is its time to the headers; its body may run for as long as its reader likes.
      const latencyMs = x.respondedAt === 0 ? durationMs : x.respondedAt - x.start;
      if (effect !== 'ignore') this.#router.record(x.route, { latencyMs, error: effect === 'failure' });
    }
    this.#record(x, response, error, outcome, durationMs);
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
    this.#inflight = this.#inflight - 1;
    if (this.#inflight === 0) this.#notifyIdle();
  }

  /** The record step: one outcome per logical request, with the bytes of its last attempt on the wire. */
  readonly #recordOutcome = (
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
    this.#metrics!.recordRequest({
      cluster: x.cluster,
      endpoint: x.endpoint,
      route: x.route?.id ?? x.cluster,
      qosClass: x.qosClass,
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

  #batcherOf(cluster: string): RequestBatcher | undefined {
    let batcher = this.#batchers.get(cluster);
    const path = this.#batchPaths.get(cluster);
    if (batcher || path === undefined) return batcher;
    batcher = new RequestBatcher(
      (batch, signal) => this.#sendBatch(cluster, path, batch, signal),
      this.#batching,
    );
    this.#batchers.set(cluster, batcher);
    if (this.#batchers.size === 1 && this.#metrics && this.#options.monitoring) {
      this.#sources.push(
        this.#metrics.registerSource('batching', () =>
          mergeBatchStats([...this.#batchers.values()].map((b) => b.stats())),
        ),
      );
    }
    return batcher;
  }

  async #sendBatch(
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
    const priority = this.#scheduler.classNames.includes(batch.priority) ? batch.priority : undefined;
    const response = await this.#request(
      { method: 'POST', path, headers: { ...batch.headers }, body, cluster },
      { signal, idempotent: batch.idempotent, priority },
      'batch',
    );
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  #newScheduler(config: {
    classes?: readonly QosClassConfig[];
    adaptiveConcurrency?: AdvancedRoutingConfig['adaptiveConcurrency'];
  }): QosScheduler {
    return new QosScheduler({ classes: config.classes, concurrency: config.adaptiveConcurrency }, this.#bus);
  }

  #registerSources(metrics: MetricsRegistry): void {
    this.#sources.push(
      metrics.registerSource('pools', () => this.#pool.stats()),
      metrics.registerSource('clusters', () => this.#clusters.stats()),
      metrics.registerSource('breakers', () => this.#breakers.stats()),
      metrics.registerSource('routing', () => collectRoutingStats(this.#router, this.#scheduler)),
    );
  }

  #notifyIdle(): void {
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }

  #stop(): void {
    for (const dispose of this.#sources.splice(0)) dispose();
    this.#clusters.close();
    this.#breakers.shutdown();
    this.#logger?.debug('network client stopped', { clusters: this.#batchPaths.size });
  }
}

/** Whether an attempt's response fails it (breaker and retry act on it): an upstream failure or overload, or a `retryOn` status. */
function failsAttempt(outcome: OutcomeKind, status: number, retryOn: readonly number[] | undefined): boolean {
  return (
    OUTCOME_EFFECTS[outcome].endpoint === 'failure' ||
    (retryOn !== undefined && isRetryableOutcome(outcome, status, retryOn))
  );
}

/** The verdict on an attempt that ended with `error` on the breaker's `signal`. */
function attemptErrorOutcome(x: Exchange, signal: AbortSignal, error: unknown): OutcomeKind {
  return classifyOutcome(error, { signal: x.signal, deadline: x.deadline, attemptSignal: signal });
}

/** The verdict on a logical request: its response's, its last attempt's, or that of an error raised around the attempts. */
function requestOutcome(x: Exchange, response: ResponseFigures | undefined, error: unknown): OutcomeKind {
  if (error === undefined) return response === undefined ? 'success' : x.outcome;
  return error === x.attemptError ? x.outcome : classifyOutcome(error, x);
}

/**
 * A hedged attempt's view of `x`: the request's state through the prototype, its own signal
 * (aborted when another attempt wins or the caller aborts) and its own per-attempt fields.
 */
function hedgeView(x: Exchange, signal: AbortSignal, index: number): Exchange {
  const view = Object.create(x) as Exchange;
  Object.defineProperty(view, 'signal', { value: signal });
  view.hedgeIndex = index;
  view.attempt = undefined;
  view.attemptHeaders = undefined;
  view.attemptObservation = undefined;
  return view;
}

/**
 * The breaker options of a streamed attempt: the exchange itself (its signal, deadline, cluster,
 * and `releasesSignal`: see `Exchange.poolOptions`), with its fallback's response as a stream.
 */
function streamBreakerOptions(x: Exchange): BreakerExecuteOptions<HttpStreamResponse> {
  const fallback = x.fallback;
  if (fallback === undefined)
    return x as BreakerExecuteOptions<unknown> as BreakerExecuteOptions<HttpStreamResponse>;
  return {
    signal: x.signal,
    deadline: x.deadline,
    cluster: x.cluster,
    releasesSignal: true,
    fallback: async (err) => HttpStreamResponse.of(await fallback(err)),
  };
}

/** Dumps the body of the 5xx/429 stream held on `x`, if any (read and dropped, so its connection is reused). */
function dump(x: Exchange): void {
  const held = x.held;
  x.held = undefined;
  held?.body.resume();
}

/** The record step when monitoring is off. */
function skipRecord(): void {}

function breakerOptions(config: CircuitBreakerConfig = {}): Omit<CircuitBreakerConfig, 'fallback'> {
  const { fallback: _fallback, ...options } = config;
  return options;
}

/** The breaker fallback of a config: a static response, or none (fail fast with `BrokenCircuitError`). */
function fallbackOf(config: CircuitBreakerConfig = {}): BreakerExecuteOptions<HttpResponse>['fallback'] {
  const fallback = config.fallback;
  if (!fallback) return undefined;
  const body = Buffer.from(JSON.stringify(fallback.body));
  return () =>
    new HttpResponse(
      fallback.status,
      { 'content-type': 'application/json', 'x-slipstream-fallback': '1' },
      body,
    );
}

/**
 * Destroys `response`'s body with a `RequestAbortedError` when `signal` aborts (the breaker's
 * call, which followed the signal until the headers, is over by then). `stop()` it when the body
 * is over: a long-lived caller signal keeps no listener per finished stream. The listener is the
 * object itself (`handleEvent`): no closures per stream.
 */
class BodyCut {
  constructor(
    private readonly response: HttpStreamResponse,
    private readonly signal: AbortSignal,
  ) {}

  /** The signal aborted: cut the body. */
  handleEvent(): void {
    this.response.body.destroy(
      new RequestAbortedError('the request was aborted by the caller', { cause: this.signal.reason }),
    );
  }

  /** Stops listening to the signal. */
  stop(): void {
    this.signal.removeEventListener('abort', this);
  }
}

/** Cuts `response`'s body when `signal` aborts (at once when it has); undefined when it already did. */
function cutOnAbort(response: HttpStreamResponse, signal: AbortSignal): BodyCut | undefined {
  const cut = new BodyCut(response, signal);
  if (signal.aborted) {
    cut.handleEvent();
    return undefined;
  }
  signal.addEventListener('abort', cut);
  return cut;
}
