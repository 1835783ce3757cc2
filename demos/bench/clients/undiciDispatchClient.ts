import type { IncomingHttpHeaders } from 'node:http';
import { ACCEPT_ENCODING, POOL_DEFAULTS } from '@slipstream/http';
import { Pool, type Dispatcher } from 'undici';

import { isOk, statusError } from './assertOk';
import type { LoadClient } from './LoadClient';

const EMPTY = Buffer.alloc(0);

/**
 * The dispatch handler of one request, shaped like Slipstream's `RequestTask` (one object per
 * request, the body's chunks kept and joined only when there are several) without anything
 * the pipeline adds on top: no slot, deadline, abort, replay, decoding or counters.
 */
class MinimalHandler implements Dispatcher.DispatchHandler {
  #status = 0;
  #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  onRequestStart(): void {
    // Nothing to keep: the request is not aborted from here.
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    _headers: IncomingHttpHeaders,
  ): void {
    this.#status = statusCode;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  onResponseEnd(): void {
    const chunks = this.#chunks;
    const body =
      chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, this.#bytes);
    if (isOk(this.#status)) this.resolve(body);
    else this.reject(statusError(this.#status));
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.reject(err);
  }
}

/**
 * Raw undici driven the way Slipstream's pool drives it, so that the pipeline ÷ this is the
 * pipeline's own cost: one `Pool` of `connections` keep-alive sockets with the pool settings
 * `PoolManager` gives undici by default (`POOL_DEFAULTS`: pipelining, keep-alive and
 * header/body timeouts, response size limit), the same dispatch options and request headers
 * (its `accept-encoding`), and `pool.dispatch` with a minimal handler of `RequestTask`'s
 * shape that buffers the body — no `Pool.request` response object, no body stream, no
 * bounded queue (the closed loop never holds more than `connections` in flight).
 */
export function undiciDispatchClient(url: URL, connections: number): LoadClient {
  const d = POOL_DEFAULTS;
  const pool = new Pool(url.origin, {
    connections,
    pipelining: d.pipelining,
    keepAliveTimeout: d.keepAliveTimeoutMs,
    keepAliveMaxTimeout: d.keepAliveMaxTimeoutMs,
    headersTimeout: d.headersTimeoutMs,
    bodyTimeout: d.bodyTimeoutMs,
    maxResponseSize: d.maxResponseSize,
    allowH2: d.allowH2,
    connect: { timeout: d.connectTimeoutMs },
  });
  const options: Dispatcher.DispatchOptions = {
    origin: url.origin,
    method: 'GET',
    path: url.pathname + url.search,
    headers: { 'accept-encoding': ACCEPT_ENCODING },
    body: null,
    idempotent: true,
  };
  return {
    // Awaits the body as `pipelineClient`'s get() awaits the response that holds it.
    async get() {
      await new Promise<Buffer>((resolve, reject) => {
        pool.dispatch(options, new MinimalHandler(resolve, reject));
      });
    },
    close: () => pool.close(),
  };
}
