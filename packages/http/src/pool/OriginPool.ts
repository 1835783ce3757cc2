import { ClientClosedError, QueueFullError, QueueTimeoutError } from '@slipstream/contracts';
import type { HttpPoolStats } from '../stats/HttpPoolStats';
import { Pool, type Dispatcher } from 'undici';
import type { ResolvedOriginSettings, ResolvedPoolOptions } from '../options/PoolManagerOptions';
import { ORIGIN_DEFAULTS } from '../options/PoolManagerOptions';
import { sameTls } from '../options/sameTls';
import type { PoolTask } from '../queue/PoolTask';
import { TaskQueue } from '../queue/TaskQueue';
import { trackedConnector } from '../stats/connectionChannels';
import { OriginCounters } from '../stats/OriginCounters';

const DAY_MS = 86_400_000;

/** A streamed response whose body is still open: it holds a slot until its reader is done. */
export interface OpenStream {
  /** Ends the body with `err`, which gives the slot back. */
  cut(err: ClientClosedError): void;
}

/**
 * One origin: its undici `Pool`, its measured counters and a bounded FIFO in front of it.
 * At most `connections × pipelining` requests are handed to undici at once (undici's own
 * queue is unbounded); the rest wait here, up to `maxPending`, for at most `queueTimeoutMs`.
 */
export class OriginPool {
  /** Measured counters of this origin; they survive pool re-creation. */
  readonly counters = new OriginCounters();
  /** Request-body, TLS, protocol and connection-lifetime settings of this origin. */
  settings: Readonly<ResolvedOriginSettings>;
  /** Requests holding a slot (handed to undici and not finished). */
  inflight = 0;
  /** Set once close() or destroy() began: new tasks are refused. */
  closed = false;
  /** `counters.requests` when the idle sweep last looked. */
  requestsAtLastSweep = 0;
  #pool: Pool;
  #options: ResolvedPoolOptions;
  #limit: number;
  readonly #queue = new TaskQueue();
  readonly #streams = new Set<OpenStream>();
  #drained: (() => void) | undefined;

  constructor(
    readonly origin: string,
    options: ResolvedPoolOptions,
  ) {
    this.#options = options;
    this.settings = options.origins[origin] ?? ORIGIN_DEFAULTS;
    this.#limit = this.#slots();
    this.#pool = this.#createPool();
  }

  /** Requests one connection carries at once: HTTP/2 streams, or HTTP/1.1 pipelining. */
  get #perConnection(): number {
    const { protocol, maxConcurrentStreams } = this.settings;
    const h2 = protocol === 'h2' || (protocol === 'auto' && this.counters.negotiatedH2);
    return h2 ? maxConcurrentStreams : this.#options.pipelining;
  }

  /** Slots handed to undici at once: connections × requests per connection (streams with HTTP/2). */
  #slots(): number {
    return this.#options.connections * this.#perConnection;
  }

  /** The undici pool requests go to now. */
  get pool(): Pool {
    return this.#pool;
  }

  #createPool(): Pool {
    const o = this.#options;
    const s = this.settings;
    const allowH2 = s.protocol !== 'h1' || o.allowH2;
    const tls = s.tls;
    const connect = trackedConnector(
      {
        timeout: o.connectTimeoutMs,
        allowH2,
        ...(tls && {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          rejectUnauthorized: tls.rejectUnauthorized,
          minVersion: tls.minVersion,
          ...(tls.servername !== undefined && { servername: tls.servername }),
        }),
      },
      this.counters,
      { maxRequestsPerConnection: s.maxRequestsPerConnection, requireH2: s.protocol === 'h2' },
    );
    const maxAge = s.maxConnectionAgeMs;
    const pool = new Pool(this.origin, {
      // A client retired for its age keeps its place in undici's pool until its in-flight
      // requests are done, and a request that finds every place taken waits in undici's queue
      // until some client drains, which a closing one never does: room for as many retiring
      // clients as live ones avoids that. In flight stays bounded by this pool's own limit.
      connections: maxAge > 0 ? o.connections * 2 : o.connections,
      pipelining: this.#perConnection,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      keepAliveMaxTimeout: o.keepAliveMaxTimeoutMs,
      headersTimeout: o.headersTimeoutMs,
      bodyTimeout: o.bodyTimeoutMs,
      maxResponseSize: o.maxResponseSize,
      allowH2,
      maxConcurrentStreams: s.maxConcurrentStreams,
      // undici closes a connection after the request that finds `maxRequestsPerClient` already
      // sent (it sends that one with `connection: close`), so one less gives exactly the limit.
      ...(s.maxRequestsPerConnection > 0 && { maxRequestsPerClient: s.maxRequestsPerConnection - 1 }),
      ...(maxAge > 0 && { clientTtl: maxAge }),
      connect,
    });
    pool.on('connect', (_origin, targets) => this.#onConnect(targets));
    pool.on('connectionError', (_origin, targets, err) => OriginPool.#onConnectionError(targets, err));
    if (maxAge > 0) pool.on('disconnect', (_origin, targets) => this.#onDisconnect(targets, maxAge));
    return pool;
  }

  /**
   * A connection is up. undici's `clientTtl` stamps each client with its connect time (`ttl`)
   * and retires it, after its in-flight requests, once older than the limit; moving the stamp
   * back by a random share of the limit spreads the expiries (the jitter). With protocol
   * 'auto', a connection on which ALPN picked h2 carries streams, not one request at a time.
   */
  #onConnect(targets: readonly Dispatcher[]): void {
    const client = targets[targets.length - 1] as Dispatcher & { ttl?: number; pipelining: number };
    const s = this.settings;
    if (s.maxConnectionAgeMs > 0 && client.ttl !== undefined) {
      client.ttl -= Math.random() * s.maxConnectionAgeJitter * s.maxConnectionAgeMs;
    }
    if (s.protocol === 'auto' && this.counters.negotiatedH2) {
      client.pipelining = s.maxConcurrentStreams;
      this.#limit = this.#slots();
      this.#pump();
    }
  }

  /**
   * undici reports an HTTP/2 GOAWAY as a `connectionError` with the socket error
   * (`UND_ERR_SOCKET`; failed connects carry their own codes), after it dropped the connection,
   * failed its in-flight streams and put the requests not yet answered back in the client's
   * queue, and before it resumes that client, which would open a connection of its own for
   * them although its pool already dropped it. Destroying the client first fails those requests
   * with the same socket error, so they are replayed (idempotent ones) through the pool like
   * the others, on one new connection.
   */
  static #onConnectionError(this: void, targets: readonly Dispatcher[], err: Error): void {
    if ((err as { code?: string }).code === 'UND_ERR_SOCKET') void targets[targets.length - 1]?.destroy(err);
  }

  /** A connection closed: count it when it was closed for its age. */
  #onDisconnect(targets: readonly Dispatcher[], maxAge: number): void {
    const client = targets[targets.length - 1] as Dispatcher & { ttl?: number };
    if (client.ttl !== undefined && Date.now() - client.ttl > maxAge) this.counters.connectionsRetiredByAge++;
  }

  /** Starts `task` when a slot is free, queues it otherwise, or fails it when the queue is full. */
  submit(task: PoolTask): void {
    if (this.closed) {
      task.fail(new ClientClosedError(`pool for ${this.origin} is closed`));
    } else if (this.inflight < this.#limit) {
      this.inflight++;
      task.start(this.#pool);
    } else if (this.#queue.size >= this.#options.maxPending) {
      task.fail(new QueueFullError(`${this.origin}: ${this.#queue.size} requests already wait`));
    } else {
      this.#queue.push(task);
      task.queueTimer = setTimeout(OriginPool.#onQueueTimeout, this.#options.queueTimeoutMs, this, task);
      task.queueTimer.unref();
    }
  }

  static #onQueueTimeout(this: void, owner: OriginPool, task: PoolTask): void {
    owner.#queue.remove(task);
    task.fail(
      new QueueTimeoutError(`${owner.origin}: waited ${owner.#options.queueTimeoutMs} ms for a slot`),
    );
  }

  /** Takes `task` out of the queue (it was aborted); no-op when it is not queued. */
  dequeue(task: PoolTask): void {
    this.#queue.remove(task);
  }

  /** Registers a streamed response handed to its reader, so that `destroy()` can cut it. */
  holdStream(stream: OpenStream): void {
    this.#streams.add(stream);
  }

  /** Forgets a streamed response whose body is over. */
  dropStream(stream: OpenStream): void {
    this.#streams.delete(stream);
  }

  /** Gives a slot back and hands it to the oldest waiting task. */
  release(): void {
    this.inflight--;
    this.#pump();
  }

  #pump(): void {
    let task: PoolTask | undefined;
    while (this.inflight < this.#limit && (task = this.#queue.shift()) !== undefined) {
      this.inflight++;
      task.start(this.#pool);
    }
    if (this.#drained && this.inflight === 0 && this.#queue.size === 0) this.#drained();
  }

  /**
   * Applies new options. With `recreate`, a new pool takes new requests at once while the old
   * one finishes its in-flight requests and closes.
   */
  reconfigure(options: ResolvedPoolOptions, recreate: boolean): void {
    const previous = this.settings;
    this.#options = options;
    this.settings = options.origins[this.origin] ?? ORIGIN_DEFAULTS;
    this.#limit = this.#slots();
    const s = this.settings;
    const connectionsChanged =
      !sameTls(previous.tls, s.tls) ||
      previous.protocol !== s.protocol ||
      previous.maxConcurrentStreams !== s.maxConcurrentStreams ||
      previous.maxRequestsPerConnection !== s.maxRequestsPerConnection ||
      previous.maxConnectionAgeMs !== s.maxConnectionAgeMs ||
      previous.maxConnectionAgeJitter !== s.maxConnectionAgeJitter;
    if (recreate || connectionsChanged) {
      const old = this.#pool;
      this.#pool = this.#createPool();
      void old.close();
    }
    this.#pump();
  }

  /** Whether nothing is queued or in flight. */
  get idle(): boolean {
    return this.inflight === 0 && this.#queue.size === 0;
  }

  /**
   * Refuses new tasks, waits for queued and in-flight ones to finish (streamed bodies: until
   * their readers are done with them), then closes the pool.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.idle) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    await this.#pool.close();
  }

  /** Fails queued tasks and cuts in-flight ones and open streamed bodies with `err`. */
  async destroy(err: ClientClosedError): Promise<void> {
    this.closed = true;
    let task: PoolTask | undefined;
    while ((task = this.#queue.shift()) !== undefined) task.fail(err);
    for (const stream of [...this.#streams]) stream.cut(err);
    await this.#pool.destroy(err);
  }

  /** Measured statistics of this origin. */
  stats(): HttpPoolStats {
    const c = this.counters;
    const p = this.#pool.stats;
    const expiresAt = c.certificateExpiresAt;
    return {
      origin: this.origin,
      requests: c.requests,
      connectionsCreated: c.connectionsCreated,
      connectionsOpen: p.connected,
      reuseRate: c.reuseRate,
      connectTimeMeanMs: c.connectTimeMeanMs,
      connectTimeP99Ms: c.connectTimeP99Ms,
      queued: this.#queue.size,
      running: p.running,
      pending: p.pending,
      bytesOutLogical: c.bytesOutLogical,
      bytesOutWire: c.bytesOutWire,
      bytesInLogical: c.bytesInLogical,
      bytesInWire: c.bytesInWire,
      staleRetries: c.staleRetries,
      connectErrors: c.connectErrors,
      tlsHandshakes: c.handshakes,
      tlsHandshakeTimeMeanMs: c.handshakeTimeMeanMs,
      tlsSessionsReused: c.sessionsReused,
      certificateExpiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString(),
      certificateDaysLeft: expiresAt === undefined ? undefined : (expiresAt - Date.now()) / DAY_MS,
      protocol: c.negotiatedH2 ? 'h2' : 'h1',
      connectionsRetiredByRequests: c.connectionsRetiredByRequests,
      connectionsRetiredByAge: c.connectionsRetiredByAge,
    };
  }
}
