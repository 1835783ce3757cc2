import { RequestAbortedError } from '@slipstream/contracts';
import { BorrowedDispatcher, type HttpStreamResponse } from '@slipstream/http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { DecoratorHandler } from 'undici';
import type { ClientRequest, ClientRequestOptions } from '../ClientRequest';
import { UnsupportedBodyError } from '../errors/UnsupportedBodyError';

/** What the dispatcher sends through: the `NetworkClient`'s pipeline. */
export interface DispatchTarget {
  /** Sends a request through the pipeline; resolves at the response headers with the body as a stream. */
  stream(req: ClientRequest, opts?: ClientRequestOptions): Promise<HttpStreamResponse>;
  /** The cluster a URL origin stands for, if any. */
  clusterOf(origin: string): string | undefined;
}

/** The controller-style handler undici's `DecoratorHandler` presents whatever style it wraps. */
type ControllerHandler = Required<
  Pick<
    Dispatcher.DispatchHandler,
    'onRequestStart' | 'onResponseStart' | 'onResponseData' | 'onResponseEnd' | 'onResponseError'
  >
>;

/**
 * The handler's grip on one pipeline stream: before the headers, `abort` aborts the request in
 * the pipeline; after them, `pause` / `resume` pause and resume the body (which pauses the
 * socket once the body's buffer is full) and `abort` destroys it, which frees the socket, the
 * pool slot and the pipeline's permit.
 */
class StreamController implements Dispatcher.DispatchController {
  readonly #abort = new AbortController();
  #body: Readable | undefined;
  #paused = false;
  #aborted = false;
  #reason: Error | null = null;

  /** Aborts the request in the pipeline (before its headers). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason?: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new RequestAbortedError('request aborted by its dispatch handler');
    this.#abort.abort(this.#reason);
    this.#body?.destroy(this.#cut());
  }

  pause(): void {
    this.#paused = true;
    this.#body?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#body?.resume();
  }

  /** Takes hold of the response body (destroyed at once when the handler already aborted). */
  attach(body: Readable): void {
    this.#body = body;
    if (this.#aborted) body.destroy(this.#cut());
    else if (this.#paused) body.pause();
  }

  /** The error a body cut by the handler ends with: an abort, no failure of the endpoint's. */
  #cut(): RequestAbortedError {
    return new RequestAbortedError('response body aborted by its dispatch handler', { cause: this.#reason });
  }
}

/**
 * An undici `Dispatcher` over the `NetworkClient`: `undici.request(url, { dispatcher })` and
 * `fetch(url, { dispatcher })` go through the whole pipeline (`NetworkClient.stream()`). The
 * request body is collected first (the pipeline may retry it); the response streams: the
 * handler gets the headers as they arrive and the (decoded) body chunk by chunk, with
 * backpressure (`onData` returning false, or `controller.pause()`, pauses the body until it
 * resumes). An abort by the handler cuts the request or its body; a body that breaks off after
 * the headers reaches `onError`. Owns nothing: close the client instead.
 */
export class ClientDispatcher extends BorrowedDispatcher {
  readonly #target: DispatchTarget;

  constructor(target: DispatchTarget) {
    super();
    this.#target = target;
  }

  /** Sends the request through the pipeline and streams the response to `handler`. */
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const wrapped = new DecoratorHandler(handler) as unknown as ControllerHandler;
    const controller = new StreamController();
    void this.#run(opts, wrapped, controller);
    return true;
  }

  async #run(
    opts: Dispatcher.DispatchOptions,
    handler: ControllerHandler,
    controller: StreamController,
  ): Promise<void> {
    let response: HttpStreamResponse;
    try {
      handler.onRequestStart(controller, {});
      if (controller.aborted)
        throw new RequestAbortedError('aborted before sending', { cause: controller.reason });
      const origin =
        opts.origin === undefined ? '' : typeof opts.origin === 'string' ? opts.origin : opts.origin.origin;
      const host = URL.canParse(origin) ? new URL(origin).host : undefined;
      const cluster = this.#target.clusterOf(origin);
      const body = await collectBody(opts.body);
      response = await this.#target.stream(
        {
          method: opts.method,
          path: opts.path,
          headers: normaliseHeaders(opts.headers),
          body,
          host,
          cluster,
        },
        { signal: controller.signal, idempotent: opts.idempotent },
      );
    } catch (err) {
      finish(handler, controller, err as Error);
      return;
    }
    const body = response.body;
    controller.attach(body);
    // Until the body is over the pipeline holds its permit: every exit below ends the body.
    const error = controller.aborted ? undefined : relay(handler, controller, response);
    if (error !== undefined) body.destroy(error);
    finish(handler, controller, await response.ended);
  }
}

/**
 * Tells `handler` how the exchange ended, once. A handler that throws from `onResponseEnd` gets
 * that error through `onResponseError`; one that throws from `onResponseError` is not called
 * again (nobody is left to tell, and a throw here would be an unhandled rejection).
 */
function finish(handler: ControllerHandler, controller: StreamController, error: Error | undefined): void {
  try {
    if (error === undefined) handler.onResponseEnd(controller, {});
    else handler.onResponseError(controller, error);
  } catch (thrown) {
    if (error !== undefined) return;
    try {
      handler.onResponseError(controller, thrown as Error);
    } catch {
      // The handler failed twice; it has had its error.
    }
  }
}

/**
 * Hands `response`'s headers to `handler`, then each body chunk as it arrives (the controller
 * pauses and resumes the body for the handler). Returns the error the handler threw, if any.
 */
function relay(
  handler: ControllerHandler,
  controller: StreamController,
  response: HttpStreamResponse,
): Error | undefined {
  const body = response.body;
  try {
    handler.onResponseStart(controller, response.statusCode, response.headers, '');
  } catch (err) {
    return err as Error;
  }
  body.on('data', (chunk: Buffer) => {
    try {
      handler.onResponseData(controller, chunk);
    } catch (err) {
      body.destroy(err as Error);
    }
  });
  return undefined;
}

/** Undici's header shapes (object, flat array, pairs, iterable) as one lower-case record. */
function normaliseHeaders(
  headers: Dispatcher.DispatchOptions['headers'],
): Record<string, string> | undefined {
  if (headers === undefined || headers === null) return undefined;
  const out: Record<string, string> = {};
  const put = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null) return;
    const key = String(name).toLowerCase();
    const text = Array.isArray(value)
      ? value.map(String).join(', ')
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
    out[key] = out[key] === undefined ? text : `${out[key]}, ${text}`;
  };
  if (Array.isArray(headers)) {
    const list = headers as unknown[];
    if (list.every((item) => Array.isArray(item)))
      for (const [name, value] of list as unknown[][]) put(name, value);
    else for (let i = 0; i + 1 < list.length; i += 2) put(list[i], list[i + 1]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [name, value] of headers as Iterable<[string, unknown]>) put(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) put(name, value);
  }
  return out;
}

/** The request body as one Buffer or string (the pipeline may send it more than once). */
async function collectBody(body: Dispatcher.DispatchOptions['body']): Promise<Buffer | string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
    throw new UnsupportedBodyError(
      'the request body must be a string, bytes or a stream; FormData is not supported',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
