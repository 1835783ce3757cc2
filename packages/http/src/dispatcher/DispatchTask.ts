import type { SlipstreamError } from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { DecoratorHandler, type Dispatcher } from 'undici';
import type { OriginPool } from '../pool/OriginPool';
import type { PoolTask } from '../queue/PoolTask';

type Controller = Dispatcher.DispatchController;
/** The controller-style handler undici's `DecoratorHandler` presents whatever style it wraps. */
type ControllerHandler = Required<
  Pick<
    Dispatcher.DispatchHandler,
    | 'onRequestStart'
    | 'onRequestUpgrade'
    | 'onResponseStart'
    | 'onResponseData'
    | 'onResponseEnd'
    | 'onResponseError'
  >
>;

/** A controller for a handler whose request never reached undici. */
class DetachedController implements Controller {
  constructor(readonly reason: Error) {}
  readonly aborted = true;
  readonly paused = false;
  abort(): void {}
  pause(): void {}
  resume(): void {}
}

/**
 * A request that came through the `Dispatcher` adapter: it takes a slot (and queues) like
 * any other request, counts its bytes, and passes every callback on to the caller's handler.
 * Bodies are not decoded here: `fetch` and `undici.request` callers decode them themselves,
 * so `bytesInLogical` counts what they received.
 */
export class DispatchTask implements PoolTask, Dispatcher.DispatchHandler {
  prev: PoolTask | null = null;
  next: PoolTask | null = null;
  queued = false;
  queueTimer: NodeJS.Timeout | undefined = undefined;
  readonly #owner: OriginPool;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #handler: ControllerHandler;
  #onWire = false;
  #wireBytes = 0;

  constructor(owner: OriginPool, opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.#owner = owner;
    // A HEAD keeps its connection unless the caller said otherwise (see ExchangeTask).
    this.#opts = opts.method === 'HEAD' && opts.reset === undefined ? { ...opts, reset: false } : opts;
    this.#handler = new DecoratorHandler(handler) as unknown as ControllerHandler;
  }

  /** @inheritdoc */
  start(dispatcher: Dispatcher): void {
    const counters = this.#owner.counters;
    counters.requests++;
    const body = this.#opts.body;
    const size = typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
    counters.bytesOutLogical += size;
    counters.bytesOutWire += size;
    this.#onWire = true;
    dispatcher.dispatch(this.#opts, this);
  }

  /** Fails `handler` for a request that never got an origin pool. */
  static reject(handler: Dispatcher.DispatchHandler, err: SlipstreamError): void {
    (new DecoratorHandler(handler) as unknown as ControllerHandler).onResponseError(
      new DetachedController(err),
      err,
    );
  }

  /** @inheritdoc */
  fail(err: SlipstreamError): void {
    this.#handler.onResponseError(new DetachedController(err), err);
  }

  /** @inheritdoc */
  onRequestStart(controller: Controller, context: unknown): void {
    this.#handler.onRequestStart(controller, context);
  }

  /** @inheritdoc */
  onRequestUpgrade(
    controller: Controller,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.#release();
    this.#handler.onRequestUpgrade(controller, statusCode, headers, socket);
  }

  /** @inheritdoc */
  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#handler.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  /** @inheritdoc */
  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#wireBytes += chunk.length;
    this.#handler.onResponseData(controller, chunk);
  }

  /** @inheritdoc */
  onResponseEnd(controller: Controller, trailers: IncomingHttpHeaders): void {
    this.#release();
    this.#handler.onResponseEnd(controller, trailers);
  }

  /** @inheritdoc */
  onResponseError(controller: Controller, err: Error): void {
    this.#release();
    this.#handler.onResponseError(controller, err);
  }

  #release(): void {
    if (!this.#onWire) return;
    this.#onWire = false;
    const counters = this.#owner.counters;
    counters.bytesInWire += this.#wireBytes;
    counters.bytesInLogical += this.#wireBytes;
    this.#owner.release();
  }
}
