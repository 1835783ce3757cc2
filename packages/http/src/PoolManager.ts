import { ClientClosedError, ConfigError, type ConnectionPoolingConfig } from '@slipstream/contracts';
import type { HttpPoolStats } from './stats/HttpPoolStats';
import { inject, injectable } from 'inversify';
import { ENCODERS } from './compression/codecs';
import { PoolDispatcher } from './dispatcher/PoolDispatcher';
import { toSlipstreamError } from './errors/toSlipstreamError';
import { HTTP_OPTIONS } from './HTTP_OPTIONS';
import {
  normaliseOrigin,
  resolvePoolOptions,
  type PoolManagerOptions,
  type ResolvedPoolOptions,
} from './options/PoolManagerOptions';
import type { ExchangeTaskClass } from './pool/ExchangeTask';
import { OriginPool } from './pool/OriginPool';
import { RequestTask } from './pool/RequestTask';
import { StreamTask } from './pool/StreamTask';
import type { HttpRequest, HttpRequestOptions } from './response/HttpRequest';
import type { HttpResponse } from './response/HttpResponse';
import type { HttpStreamResponse } from './response/HttpStreamResponse';
import { subscribeConnectionChannels } from './stats/connectionChannels';

const NO_OPTIONS: HttpRequestOptions = Object.freeze({});

/**
 * Keeps one undici `Pool` per origin behind a bounded queue, with transparent response
 * decoding, per-origin (or per-request) request compression, replays of idempotent requests
 * whose connection was lost before any response byte (a stale keep-alive socket, a GOAWAY, a cut
 * HTTP/2 connection), and measured per-origin stats.
 *
 * Its members are `private`, not `#` fields: the CLI runs through tsx, whose esbuild lowers the
 * `#` fields of a decorated class to WeakMap lookups on every access (see `NetworkClient`).
 */
@injectable()
export class PoolManager {
  private resolved: ResolvedPoolOptions;
  /** Pools by normalised origin. */
  private readonly pools = new Map<string, OriginPool>();
  /** Pools by the origin string callers used (avoids parsing URLs per request). */
  private readonly aliases = new Map<string, OriginPool>();
  private readonly unsubscribe: () => void;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  private dispatcher: PoolDispatcher | undefined;

  constructor(@inject(HTTP_OPTIONS) options: PoolManagerOptions = {}) {
    this.resolved = resolvePoolOptions(options);
    this.unsubscribe = subscribeConnectionChannels();
    this.armSweeper();
  }

  /** The pooling settings in force. */
  get options(): Readonly<Required<ConnectionPoolingConfig>> {
    const { origins: _origins, ...pooling } = this.resolved;
    return pooling;
  }

  /**
   * Sends `req` and buffers the (decoded) response. Rejects with a `SlipstreamError`:
   * `QueueFullError`, `QueueTimeoutError`, `RequestTimeoutError`, `RequestAbortedError`,
   * `ConnectionError`, `MalformedResponseError`, `ClientClosedError`, ...
   */
  request(req: HttpRequest, opts: HttpRequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    return this.send(RequestTask, req, opts);
  }

  /**
   * Sends `req` like `request()` (same queue, compression, abort and stale-socket replay) and
   * resolves at the response headers with the body as a stream, decoded as it is read.
   * `opts.timeoutMs` covers until the headers; then the pool's `bodyTimeoutMs` applies between
   * body chunks. The request holds its slot until the body was read to its end, errored or was
   * destroyed; `close()` waits for that, `destroy()` cuts the body with `ClientClosedError`.
   * Rejects like `request()` when no headers arrived; later failures error the body stream
   * (`ResponseTooLargeError` past `maxResponseSize`, `MalformedResponseError`, `RequestAbortedError`, ...).
   */
  stream(req: HttpRequest, opts: HttpRequestOptions = NO_OPTIONS): Promise<HttpStreamResponse> {
    return this.send(StreamTask, req, opts);
  }

  /** Measured stats of every origin, or of `origin` only (empty when it has no pool). */
  stats(origin?: string): HttpPoolStats[] {
    if (origin === undefined) return [...this.pools.values()].map((p) => p.stats());
    const pool = this.pools.get(normaliseOrigin(origin));
    return pool ? [pool.stats()] : [];
  }

  /**
   * Validates `partial` over the settings in force and applies it; an invalid value throws a
   * `ConfigError` and nothing changes. Pools whose connection settings changed are replaced:
   * new requests use the new pool while the old one finishes its in-flight requests.
   */
  updateOptions(partial: PoolManagerOptions): Readonly<Required<ConnectionPoolingConfig>> {
    const previous = this.resolved;
    const next = resolvePoolOptions(partial, previous);
    this.resolved = next;
    const recreate =
      next.connections !== previous.connections ||
      next.pipelining !== previous.pipelining ||
      next.keepAliveTimeoutMs !== previous.keepAliveTimeoutMs ||
      next.keepAliveMaxTimeoutMs !== previous.keepAliveMaxTimeoutMs ||
      next.connectTimeoutMs !== previous.connectTimeoutMs ||
      next.headersTimeoutMs !== previous.headersTimeoutMs ||
      next.bodyTimeoutMs !== previous.bodyTimeoutMs ||
      next.maxResponseSize !== previous.maxResponseSize ||
      next.allowH2 !== previous.allowH2;
    for (const pool of this.pools.values()) pool.reconfigure(next, recreate);
    if (next.idleOriginTtlMs !== previous.idleOriginTtlMs) this.armSweeper();
    return this.options;
  }

  /** An undici `Dispatcher` that routes by origin through these pools, queue bound and stats. */
  asDispatcher(): PoolDispatcher {
    this.dispatcher ??= new PoolDispatcher((origin) => {
      if (this.closed) throw new ClientClosedError('the pool manager is closed');
      return this.pool(origin);
    });
    return this.dispatcher;
  }

  /**
   * Refuses new requests, lets queued and in-flight ones finish (streamed bodies until their
   * readers are done with them), then closes every connection.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.unsubscribe();
  }

  /** Refuses new requests and cuts queued and in-flight ones, open streamed bodies included, with `ClientClosedError`. */
  async destroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const err = new ClientClosedError('the pool manager was destroyed');
    await Promise.all([...this.pools.values()].map((p) => p.destroy(err)));
    this.unsubscribe();
  }

  /** Submits a `Task` for `req` to its origin's pool; rejects at once when closed or `opts` are invalid. */
  private send<R>(Task: ExchangeTaskClass<R>, req: HttpRequest, opts: HttpRequestOptions): Promise<R> {
    if (this.closed) return Promise.reject(new ClientClosedError('the pool manager is closed'));
    const compression = opts.compression;
    if (compression !== undefined && compression !== 'none' && !Object.hasOwn(ENCODERS, compression)) {
      return Promise.reject(
        new ConfigError([
          { path: 'compression', expected: "'none', 'gzip' or 'br'", received: JSON.stringify(compression) },
        ]),
      );
    }
    let owner: OriginPool;
    try {
      owner = this.pool(req.origin);
    } catch (err) {
      return Promise.reject(toSlipstreamError(err, false));
    }
    const maxResponseSize = this.resolved.maxResponseSize;
    return new Promise<R>((resolve, reject) =>
      new Task(owner, req, opts, maxResponseSize, resolve, reject).begin(),
    );
  }

  private pool(origin: string): OriginPool {
    const known = this.aliases.get(origin);
    if (known !== undefined && !known.closed) return known;
    const key = normaliseOrigin(origin);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new OriginPool(key, this.resolved);
      this.pools.set(key, pool);
    }
    this.aliases.set(origin, pool);
    return pool;
  }

  private armSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const ttl = this.resolved.idleOriginTtlMs;
    if (ttl === 0 || this.closed) return;
    this.sweeper = setInterval(() => this.sweep(), ttl);
    this.sweeper.unref();
  }

  /** Evicts origins that were idle (no request, nothing queued or in flight) for a whole sweep period. */
  private sweep(): void {
    for (const [key, pool] of this.pools) {
      if (pool.idle && pool.counters.requests === pool.requestsAtLastSweep) {
        this.pools.delete(key);
        for (const [alias, p] of this.aliases) if (p === pool) this.aliases.delete(alias);
        void pool.close();
      } else {
        pool.requestsAtLastSweep = pool.counters.requests;
      }
    }
  }
}
