import {
  RequestAbortedError,
  RequestTimeoutError,
  type CompressionAlgorithm,
  type SlipstreamError,
} from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ACCEPT_ENCODING, ENCODERS, STREAM_ENCODERS } from '../compression/codecs';
import { isConnectionLoss, toSlipstreamError } from '../errors/toSlipstreamError';
import type { PoolTask } from '../queue/PoolTask';
import type { HttpRequest, HttpRequestOptions } from '../response/HttpRequest';
import { isStreamedBody, type StreamedBody } from '../response/RequestBody';
import type { OriginPool } from './OriginPool';

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/**
 * Replays of one request whose connection was lost under it before any response byte. Each
 * needs a connection to die under the request again: an upstream that cuts all its connections
 * at once can fail a replay on another of them before undici has seen that one close (a run of
 * 200 streams over 12 cut connections needed up to 3); a bound keeps an upstream that kills
 * every connection from being sent the request without end. These replays are not taken from
 * the retry budget: the upstream never answered, so they add no load it refused.
 */
const MAX_CONNECTION_REPLAYS = 4;
const DEFAULT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'accept-encoding': ACCEPT_ENCODING,
});
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Listens to a task's caller signal on its behalf, holding the task only while it listens.
 * Measured on Node 20: what a listener object still holds after it was removed from an
 * AbortSignal survives young-generation collections (it is promoted to the old generation). A
 * task listening itself so kept its whole request (dispatch options, response, the caller's
 * promise chain) alive on every request, the breaker's signals being reused and long-lived.
 *
 * On a `reusedSignal`, the first listener stays (`kept`, found in `KEPT_LISTENERS`) and serves
 * the signal's tasks one at a time: a lookup per request instead of an `addEventListener` and a
 * `removeEventListener`. A task whose signal's kept listener is busy (the signal is shared by
 * requests in flight together after all) gets a listener of its own, removed when it stops
 * listening, as does every task on a signal that is not reused.
 */
class AbortListener {
  constructor(
    public task: ExchangeTask<never> | undefined,
    /** Whether it stays on its signal once its task stops listening. */
    readonly kept: boolean,
  ) {}

  handleEvent(): void {
    this.task?.callerAborted();
  }
}

/** The listener that stays on each reused signal a task listened to (see `AbortListener`). */
const KEPT_LISTENERS = new WeakMap<AbortSignal, AbortListener>();

/** A concrete task class: what `PoolManager` instantiates per request. */
export type ExchangeTaskClass<R> = new (
  ...args: ConstructorParameters<typeof ExchangeTask<R>>
) => ExchangeTask<R>;

/**
 * What every request through an origin pool shares, whatever it does with the response:
 * admission (the bounded queue), request-body compression, the deadline, the caller's abort,
 * the replays of an idempotent request whose connection was lost before any response byte (a
 * stale kept-alive socket, a GOAWAY, a cut HTTP/2 connection), and the slot
 * it holds. The task is also its own undici dispatch handler, so a request allocates this and
 * its promise (and, with a signal seen for the first time or busy, an `AbortListener`). Subclasses take the response
 * (`onResponseStart` / `Data` / `End`) and settle with `resolveWith`; failures reach them
 * through `failed`.
 */
export abstract class ExchangeTask<R> implements PoolTask, Dispatcher.DispatchHandler {
  prev: PoolTask | null = null;
  next: PoolTask | null = null;
  queued = false;
  queueTimer: NodeJS.Timeout | undefined = undefined;
  /** The origin whose slot the task takes. */
  protected readonly owner: OriginPool;
  /** Whether a replay is safe (decides the replay after a lost connection and whether errors are retryable). */
  protected readonly idempotent: boolean;
  /** `maxResponseSize` when the request was made, bytes; -1: no limit. */
  protected readonly maxResponseSize: number;
  /** Whether the caller's signal covers the wait for the response headers only (`signalUntilHeaders`). */
  protected readonly signalUntilHeaders: boolean;
  /** Whether the response body is decoded (`HttpRequestOptions.decode`). */
  protected readonly decode: boolean;
  /** Request body bytes before compression. */
  protected bodyLogical = 0;
  /** Request body bytes as sent. */
  protected bodyWire = 0;
  /** The response's status once its headers arrived; 0 before. */
  protected statusCode = 0;
  /**
   * How long the request waited in the client for a connection, ms: from the task's creation to
   * its last attempt's start on a connection (the pool's queue and undici's).
   */
  protected queuedMs = 0;
  /** When the task was created, ms (`performance.now()`). */
  private readonly createdAt = performance.now();
  /** undici's controller of the attempt on the wire; null before it starts and once it is over. */
  protected controller: Dispatcher.DispatchController | null = null;
  readonly #dispatch: Dispatcher.DispatchOptions;
  readonly #signal: AbortSignal | undefined;
  /** Whether `#signal` is reused request after request (`HttpRequestOptions.reusedSignal`). */
  readonly #reusedSignal: boolean;
  /** Listens to `#signal` until the task stops listening (see `AbortListener`). */
  #listener: AbortListener | undefined;
  readonly #compression: CompressionAlgorithm | undefined;
  readonly #resolve: (res: R) => void;
  readonly #reject: (err: SlipstreamError) => void;
  #deadline: NodeJS.Timeout | undefined;
  #attempts = 0;
  #onWire = false;
  /** The request's streamed body, sent by `#streamBody`; undefined for bytes. */
  readonly #source: StreamedBody | undefined;
  #settled = false;
  #error: SlipstreamError | null = null;

  constructor(
    owner: OriginPool,
    req: HttpRequest,
    opts: HttpRequestOptions,
    maxResponseSize: number,
    resolve: (res: R) => void,
    reject: (err: SlipstreamError) => void,
  ) {
    this.owner = owner;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = opts.signal;
    this.#reusedSignal = opts.reusedSignal === true;
    this.signalUntilHeaders = opts.signalUntilHeaders === true;
    this.decode = opts.decode !== false;
    this.#compression = opts.compression;
    this.maxResponseSize = maxResponseSize;
    // A streamed body can be read once: its request is never replayed.
    this.#source = isStreamedBody(req.body) ? req.body : undefined;
    this.idempotent = this.#source === undefined && (opts.idempotent ?? IDEMPOTENT_METHODS.has(req.method));
    const headers = req.headers;
    this.#dispatch = {
      origin: owner.origin,
      path: req.path,
      method: req.method,
      headers: !this.decode
        ? (headers ?? NO_HEADERS)
        : headers === undefined
          ? DEFAULT_HEADERS
          : headers['accept-encoding'] === undefined
            ? { ...headers, 'accept-encoding': ACCEPT_ENCODING }
            : headers,
      body: isStreamedBody(req.body) ? null : (req.body ?? null),
      idempotent: this.idempotent,
      // undici closes the connection after every HEAD (it sends `connection: close`) in case a
      // misbehaving server sends a body anyway (nodejs/undici#258); the origins we pool answer
      // HEAD by the book, so a HEAD keeps its kept-alive connection like any other request.
      reset: req.method === 'HEAD' ? false : undefined,
    };
    if (opts.timeoutMs !== undefined) {
      this.#deadline = setTimeout(ExchangeTask.#onDeadline, opts.timeoutMs, this, opts.timeoutMs);
    }
  }

  /** Arms the abort listener, compresses the body when the request or the origin wants it, and submits. */
  begin(): void {
    const signal = this.#signal;
    if (signal) {
      if (signal.aborted) return this.callerAborted();
      const kept = this.#reusedSignal ? KEPT_LISTENERS.get(signal) : undefined;
      if (kept !== undefined && kept.task === undefined) {
        kept.task = this;
        this.#listener = kept;
      } else {
        const keep = this.#reusedSignal && kept === undefined;
        const listener = new AbortListener(this, keep);
        if (keep) KEPT_LISTENERS.set(signal, listener);
        signal.addEventListener('abort', listener);
        this.#listener = listener;
      }
    }
    if (this.#source !== undefined) {
      this.#streamBody(this.#source);
      return this.owner.submit(this);
    }
    const body = this.#dispatch.body as Buffer | string | null;
    if (body === null) return this.owner.submit(this);
    this.bodyLogical = this.bodyWire = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const settings = this.owner.settings;
    const requestCompression = this.#compression ?? settings.requestCompression;
    const compressionThresholdBytes = settings.compressionThresholdBytes;
    const headers = this.#dispatch.headers as Record<string, string>;
    if (
      requestCompression === 'none' ||
      this.bodyLogical < compressionThresholdBytes ||
      headers['content-encoding'] !== undefined
    ) {
      return this.owner.submit(this);
    }
    ENCODERS[requestCompression](typeof body === 'string' ? Buffer.from(body) : body, {}).then(
      (compressed) => {
        if (this.#settled) return;
        this.bodyWire = compressed.length;
        this.#dispatch.body = compressed;
        // A caller's content-length was the uncompressed body's: undici sets the sent one's.
        const { 'content-length': _length, ...rest } = headers;
        this.#dispatch.headers = { ...rest, 'content-encoding': requestCompression };
        this.owner.submit(this);
      },
      (err: unknown) => this.rejectWith(toSlipstreamError(err, this.idempotent)),
    );
  }

  /**
   * Makes the dispatch send `body` as it flows, its bytes counted as they pass (logical before,
   * wire after compression), compressed as a stream when the request or the origin wants it
   * and the body is not encoded yet (no threshold: its size is unknown beforehand).
   */
  #streamBody(body: StreamedBody): void {
    const headers = this.#dispatch.headers as Record<string, string>;
    const algorithm = this.#compression ?? this.owner.settings.requestCompression;
    const compress = algorithm !== 'none' && headers['content-encoding'] === undefined;
    const counters = this.owner.counters;
    const logical = byteCounter((n) => {
      this.bodyLogical += n;
      counters.bytesOutLogical += n;
      if (!compress) {
        this.bodyWire += n;
        counters.bytesOutWire += n;
      }
    });
    const source = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
    const onError = (err: Error | null): void => {
      if (err) source.destroy(err);
    };
    if (!compress) {
      this.#dispatch.body = pipeline(source, logical, onError);
      return;
    }
    const wire = byteCounter((n) => {
      this.bodyWire += n;
      counters.bytesOutWire += n;
    });
    const { 'content-length': _length, ...rest } = headers;
    this.#dispatch.headers = { ...rest, 'content-encoding': algorithm };
    this.#dispatch.body = pipeline(source, logical, STREAM_ENCODERS[algorithm](), wire, onError);
  }

  /** @inheritdoc */
  start(dispatcher: Dispatcher): void {
    const counters = this.owner.counters;
    counters.requests++;
    // A streamed body's bytes are counted as they flow (`#streamBody`).
    if (this.#source === undefined) {
      counters.bytesOutLogical += this.bodyLogical;
      counters.bytesOutWire += this.bodyWire;
    }
    this.#attempts++;
    this.#onWire = true;
    dispatcher.dispatch(this.#dispatch, this);
  }

  /** @inheritdoc */
  fail(err: SlipstreamError): void {
    this.rejectWith(err);
  }

  /** The caller's signal fired. */
  callerAborted(): void {
    this.#cancel(new RequestAbortedError('request aborted by the caller', { cause: this.#signal?.reason }));
  }

  static #onDeadline(this: void, task: ExchangeTask<never>, timeoutMs: number): void {
    task.#cancel(
      // Not handed to undici: it waited in the client's pool queue (or for its replay) the whole time.
      !task.#onWire
        ? new RequestTimeoutError(`waited ${timeoutMs} ms in the client's pool queue`, undefined, true)
        : task.controller === null
          ? new RequestTimeoutError(`no connection to ${task.owner.origin} within ${timeoutMs} ms`)
          : new RequestTimeoutError(`no response within ${timeoutMs} ms`),
    );
  }

  #cancel(err: SlipstreamError): void {
    if (this.#settled) return this.cancelResponse(err);
    this.owner.dequeue(this);
    // undici reports the abort through onResponseError, which gives the slot back.
    this.controller?.abort(err);
    this.rejectWith(err);
  }

  /**
   * The caller's signal fired after the task resolved (only a task that keeps listening,
   * see `resolveWith`, hears it). Defaults to nothing.
   */
  protected cancelResponse(_err: SlipstreamError): void {}

  /**
   * Resolves the caller's promise with `res` and stops the deadline. With `keepListening`,
   * the abort listener stays until `stopListening()` (a response whose body is still coming).
   */
  protected resolveWith(res: R, keepListening = false): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#deadline);
    if (!keepListening) this.stopListening();
    this.#resolve(res);
  }

  /** Rejects the caller's promise with `err` (no-op once settled). */
  protected rejectWith(err: SlipstreamError): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#deadline);
    this.stopListening();
    this.#error = err;
    this.#reject(err);
  }

  /** Whether the caller's promise has settled. */
  protected get settled(): boolean {
    return this.#settled;
  }

  /** Stops listening: the listener lets go of the task, and is removed unless it stays on its signal. */
  protected stopListening(): void {
    const listener = this.#listener;
    if (listener === undefined) return;
    this.#listener = undefined;
    if (!listener.kept) this.#signal!.removeEventListener('abort', listener);
    listener.task = undefined;
  }

  /** @inheritdoc */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.queuedMs = performance.now() - this.createdAt;
    // Settled before undici took it (aborted or timed out while waiting for a socket).
    if (this.#settled) controller.abort(this.#error ?? new RequestAbortedError('request aborted'));
  }

  /**
   * undici calls this for every interim (1xx) response before the final one too (its HTTP/1.1
   * client skips their bodies and goes on to the next response; RFC 9110 §15.2 has a client
   * parse 1xx responses it did not ask for): those are skipped, the final response goes to
   * `onFinalResponse`.
   */
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.onFinalResponse(headers);
  }

  /** Whether the final response has no body whatever its headers say (RFC 9112 §6.3): a HEAD's, a 204, a 304. */
  protected get bodiless(): boolean {
    return this.statusCode === 204 || this.statusCode === 304 || this.#dispatch.method === 'HEAD';
  }

  /** The final (non-1xx) response's status and headers arrived; `statusCode` is set. */
  protected abstract onFinalResponse(headers: IncomingHttpHeaders): void;

  /** @inheritdoc */
  abstract onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void;

  /** @inheritdoc */
  onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    // A 304 has no body whatever its headers say (RFC 9112 §6.3), and its `content-length` is the
    // length its 200 would have had (RFC 9110 §8.6); undici's HTTP/1.1 client parses it without a
    // body, then fails it for that length (client-h1.js `onMessageComplete` exempts HEAD only)
    // and destroys the connection. The response is whole: it ends as it is.
    if (
      this.statusCode === 304 &&
      (err as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
    ) {
      return this.onResponseEnd(controller, {});
    }
    if (
      !this.#settled &&
      this.statusCode === 0 &&
      this.idempotent &&
      this.#attempts <= MAX_CONNECTION_REPLAYS &&
      !this.owner.closed &&
      isConnectionLoss(err)
    ) {
      // A kept-alive socket the server had already closed, an HTTP/2 connection it sent GOAWAY
      // on or that died under its streams: replay, keeping the slot. On the next turn, so that
      // undici's pool has dropped the failed connection first instead of queueing the replay on
      // it, which would then open one more connection of its own.
      this.owner.counters.staleRetries++;
      this.controller = null;
      setImmediate(ExchangeTask.#replay, this);
      return;
    }
    this.finish();
    this.failed(toSlipstreamError(err, this.idempotent));
  }

  static #replay(this: void, task: ExchangeTask<never>): void {
    // Settled meanwhile (aborted, timed out): only the slot is left to give back.
    if (task.#settled) return task.finish();
    task.start(task.owner.pool);
  }

  /** The exchange failed on the wire (not replayed). Defaults to rejecting the caller's promise. */
  protected failed(err: SlipstreamError): void {
    this.rejectWith(err);
  }

  /** The wire is done with this task: gives its slot back (once). */
  protected finish(): void {
    this.controller = null;
    if (this.#onWire) {
      this.#onWire = false;
      this.owner.release();
    }
  }
}

/** A pass-through stream that reports the size of each chunk to `count`. */
function byteCounter(count: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count(chunk.length);
      done(null, chunk);
    },
  });
}
