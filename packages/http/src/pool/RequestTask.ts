import {
  MalformedResponseError,
  RequestAbortedError,
  RequestTimeoutError,
  type CompressionAlgorithm,
  type SlipstreamError,
} from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { ACCEPT_ENCODING, DECODERS, ENCODERS } from '../compression/codecs';
import { ResponseTooLargeError } from '../errors/ResponseTooLargeError';
import { isSocketError, toSlipstreamError } from '../errors/toSlipstreamError';
import type { PoolTask } from '../queue/PoolTask';
import { HttpResponse } from '../response/HttpResponse';
import type { HttpRequest, HttpRequestOptions } from '../response/HttpRequest';
import type { OriginPool } from './OriginPool';

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const DEFAULT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'accept-encoding': ACCEPT_ENCODING,
});
const EMPTY = Buffer.alloc(0);

/**
 * One buffered request: the undici dispatch handler, its queue entry, its deadline timer
 * and its abort listener, all in one object, so a request allocates this and its promise.
 */
export class RequestTask implements PoolTask, Dispatcher.DispatchHandler {
  prev: PoolTask | null = null;
  next: PoolTask | null = null;
  queued = false;
  queueTimer: NodeJS.Timeout | undefined = undefined;
  readonly #owner: OriginPool;
  readonly #dispatch: Dispatcher.DispatchOptions;
  readonly #idempotent: boolean;
  readonly #signal: AbortSignal | undefined;
  readonly #compression: CompressionAlgorithm | undefined;
  readonly #resolve: (res: HttpResponse) => void;
  readonly #reject: (err: SlipstreamError) => void;
  #maxResponseSize: number;
  #bodyLogical = 0;
  #bodyWire = 0;
  #deadline: NodeJS.Timeout | undefined;
  #controller: Dispatcher.DispatchController | null = null;
  #attempts = 0;
  #onWire = false;
  #settled = false;
  #error: SlipstreamError | null = null;
  #statusCode = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #wireBytes = 0;

  constructor(
    owner: OriginPool,
    req: HttpRequest,
    opts: HttpRequestOptions,
    maxResponseSize: number,
    resolve: (res: HttpResponse) => void,
    reject: (err: SlipstreamError) => void,
  ) {
    this.#owner = owner;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = opts.signal;
    this.#compression = opts.compression;
    this.#maxResponseSize = maxResponseSize;
    this.#idempotent = opts.idempotent ?? IDEMPOTENT_METHODS.has(req.method);
    const headers = req.headers;
    this.#dispatch = {
      origin: owner.origin,
      path: req.path,
      method: req.method,
      headers:
        headers === undefined
          ? DEFAULT_HEADERS
          : headers['accept-encoding'] === undefined
            ? { ...headers, 'accept-encoding': ACCEPT_ENCODING }
            : headers,
      body: req.body ?? null,
      idempotent: this.#idempotent,
    };
    if (opts.timeoutMs !== undefined) {
      this.#deadline = setTimeout(RequestTask.#onDeadline, opts.timeoutMs, this, opts.timeoutMs);
    }
  }

  /** Arms the abort listener, compresses the body when the request or the origin wants it, and submits. */
  begin(): void {
    const signal = this.#signal;
    if (signal) {
      if (signal.aborted) return this.handleEvent();
      signal.addEventListener('abort', this);
    }
    const body = this.#dispatch.body as Buffer | string | null;
    if (body === null) return this.#owner.submit(this);
    this.#bodyLogical = this.#bodyWire = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const settings = this.#owner.settings;
    const requestCompression = this.#compression ?? settings.requestCompression;
    const compressionThresholdBytes = settings.compressionThresholdBytes;
    const headers = this.#dispatch.headers as Record<string, string>;
    if (
      requestCompression === 'none' ||
      this.#bodyLogical < compressionThresholdBytes ||
      headers['content-encoding'] !== undefined
    ) {
      return this.#owner.submit(this);
    }
    ENCODERS[requestCompression](typeof body === 'string' ? Buffer.from(body) : body, {}).then(
      (compressed) => {
        if (this.#settled) return;
        this.#bodyWire = compressed.length;
        this.#dispatch.body = compressed;
        this.#dispatch.headers = { ...headers, 'content-encoding': requestCompression };
        this.#owner.submit(this);
      },
      (err: unknown) => this.#settle(toSlipstreamError(err, this.#idempotent)),
    );
  }

  /** @inheritdoc */
  start(dispatcher: Dispatcher): void {
    const counters = this.#owner.counters;
    counters.requests++;
    counters.bytesOutLogical += this.#bodyLogical;
    counters.bytesOutWire += this.#bodyWire;
    this.#attempts++;
    this.#onWire = true;
    dispatcher.dispatch(this.#dispatch, this);
  }

  /** @inheritdoc */
  fail(err: SlipstreamError): void {
    this.#settle(err);
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    this.#cancel(new RequestAbortedError('request aborted by the caller', { cause: this.#signal?.reason }));
  }

  static #onDeadline(this: void, task: RequestTask, timeoutMs: number): void {
    task.#cancel(new RequestTimeoutError(`no complete response within ${timeoutMs} ms`));
  }

  #cancel(err: SlipstreamError): void {
    if (this.#settled) return;
    this.#owner.dequeue(this);
    // undici reports the abort through onResponseError, which gives the slot back.
    this.#controller?.abort(err);
    this.#settle(err);
  }

  #settle(result: SlipstreamError | HttpResponse): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#deadline);
    this.#signal?.removeEventListener('abort', this);
    if (result instanceof HttpResponse) {
      this.#resolve(result);
    } else {
      this.#error = result;
      this.#reject(result);
    }
  }

  /** @inheritdoc */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Settled before undici took it (aborted or timed out while waiting for a socket).
    if (this.#settled) controller.abort(this.#error ?? new RequestAbortedError('request aborted'));
  }

  /** @inheritdoc */
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#statusCode = statusCode;
    this.#headers = headers;
  }

  /** @inheritdoc */
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#wireBytes += chunk.length;
  }

  /** @inheritdoc */
  onResponseEnd(): void {
    this.#finish();
    const wire = this.#wireBytes;
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, wire);
    const counters = this.#owner.counters;
    counters.bytesInWire += wire;
    if (this.#settled) return;
    const encoding = this.#headers['content-encoding'];
    const decode = encoding === undefined || wire === 0 ? undefined : DECODERS[encoding.trim().toLowerCase()];
    if (decode === undefined) {
      counters.bytesInLogical += wire;
      return this.#settle(this.#response(this.#headers, body));
    }
    const limit = this.#maxResponseSize;
    decode(body, limit > 0 ? { maxOutputLength: limit } : {}).then(
      (decoded) => {
        counters.bytesInLogical += decoded.length;
        const headers = this.#headers;
        delete headers['content-encoding'];
        delete headers['content-length'];
        this.#settle(this.#response(headers, decoded));
      },
      (err: unknown) =>
        this.#settle(
          (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
            ? new ResponseTooLargeError(`decoded response exceeds ${limit} bytes`, { cause: err })
            : new MalformedResponseError(`corrupt ${encoding} response body`, { cause: err }),
        ),
    );
  }

  #response(headers: IncomingHttpHeaders, body: Buffer): HttpResponse {
    return new HttpResponse(
      this.#statusCode,
      headers,
      body,
      this.#wireBytes,
      this.#bodyLogical,
      this.#bodyWire,
    );
  }

  /** @inheritdoc */
  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    const beforeResponse = this.#statusCode === 0;
    if (
      !this.#settled &&
      beforeResponse &&
      this.#idempotent &&
      this.#attempts === 1 &&
      !this.#owner.closed &&
      isSocketError(err)
    ) {
      // A kept-alive socket the server had already closed: replay once, keeping the slot.
      this.#owner.counters.staleRetries++;
      this.#controller = null;
      this.start(this.#owner.pool);
      return;
    }
    this.#finish();
    this.#settle(toSlipstreamError(err, this.#idempotent));
  }

  #finish(): void {
    this.#controller = null;
    if (this.#onWire) {
      this.#onWire = false;
      this.#owner.release();
    }
  }
}
