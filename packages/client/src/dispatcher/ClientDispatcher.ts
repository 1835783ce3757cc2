import { RequestAbortedError } from '@slipstream/contracts';
import { BorrowedDispatcher, type HttpResponse } from '@slipstream/http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { DecoratorHandler } from 'undici';
import type { ClientRequest, ClientRequestOptions } from '../ClientRequest';
import { UnsupportedBodyError } from '../errors/UnsupportedBodyError';

/** What the dispatcher sends through: the `NetworkClient`'s pipeline. */
export interface DispatchTarget {
  /** Sends a request through the pipeline. */
  request(req: ClientRequest, opts?: ClientRequestOptions): Promise<HttpResponse>;
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
 * Replays one buffered pipeline response to an undici handler, honouring pause/resume
 * (fetch pauses when its stream is full) and abort.
 */
class BufferedController implements Dispatcher.DispatchController {
  readonly #abort = new AbortController();
  #paused = false;
  #onResume: (() => void) | undefined;
  #reason: Error | null = null;

  /** Aborts the request in the pipeline. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason: Error): void {
    this.#reason = reason;
    this.#abort.abort(reason);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const next = this.#onResume;
    this.#onResume = undefined;
    next?.();
  }

  /** Runs `next` now, or when the handler resumes. */
  whenFlowing(next: () => void): void {
    if (this.#paused) this.#onResume = next;
    else next();
  }
}

/**
 * An undici `Dispatcher` over the `NetworkClient`: `undici.request(url, { dispatcher })` and
 * `fetch(url, { dispatcher })` go through the whole pipeline. The request body is collected
 * first (the pipeline may retry it); the response is the pipeline's buffered, decoded one,
 * so `content-length` is set to the decoded length. Owns nothing: close the client instead.
 */
export class ClientDispatcher extends BorrowedDispatcher {
  readonly #target: DispatchTarget;

  constructor(target: DispatchTarget) {
    super();
    this.#target = target;
  }

  /** Sends the request through the pipeline and replays the response to `handler`. */
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const wrapped = new DecoratorHandler(handler) as unknown as ControllerHandler;
    const controller = new BufferedController();
    void this.#run(opts, wrapped, controller);
    return true;
  }

  async #run(
    opts: Dispatcher.DispatchOptions,
    handler: ControllerHandler,
    controller: BufferedController,
  ): Promise<void> {
    let response: HttpResponse;
    try {
      handler.onRequestStart(controller, {});
      if (controller.aborted)
        throw new RequestAbortedError('aborted before sending', { cause: controller.reason });
      const origin =
        opts.origin === undefined ? '' : typeof opts.origin === 'string' ? opts.origin : opts.origin.origin;
      const host = URL.canParse(origin) ? new URL(origin).host : undefined;
      const cluster = this.#target.clusterOf(origin);
      const body = await collectBody(opts.body);
      response = await this.#target.request(
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
      handler.onResponseError(controller, err as Error);
      return;
    }
    if (controller.aborted) {
      handler.onResponseError(controller, controller.reason ?? new RequestAbortedError('aborted'));
      return;
    }
    const headers: IncomingHttpHeaders = {
      ...response.headers,
      'content-length': String(response.body.length),
    };
    delete headers['transfer-encoding'];
    handler.onResponseStart(controller, response.statusCode, headers, '');
    controller.whenFlowing(() => {
      if (response.body.length > 0 && opts.method !== 'HEAD')
        handler.onResponseData(controller, response.body);
      controller.whenFlowing(() => handler.onResponseEnd(controller, {}));
    });
  }
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
