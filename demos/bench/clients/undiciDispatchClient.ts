import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

import { isOk, statusError } from './assertOk';
import type { LoadClient } from './LoadClient';

/**
 * Raw undici driven the way Slipstream's pool drives it: one `Pool` of `connections` keep-alive
 * sockets and `pool.dispatch` with a minimal handler that collects the body chunks into one
 * Buffer and settles on the end — no `Pool.request` response object, no body stream. The best a
 * wrapper of undici's dispatch can do, so the pipeline ÷ this is the pipeline's own cost.
 */
export function undiciDispatchClient(url: URL, connections: number): LoadClient {
  const pool = new Pool(url.origin, { connections });
  const options: Dispatcher.DispatchOptions = { method: 'GET', path: url.pathname + url.search };
  return {
    get: () =>
      new Promise<void>((resolve, reject) => {
        let status = 0;
        const chunks: Buffer[] = [];
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart() {
            // Nothing to keep: the request is not aborted from here.
          },
          onResponseStart(_c, statusCode: number, _headers: IncomingHttpHeaders) {
            status = statusCode;
          },
          onResponseData(_c, chunk: Buffer) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            Buffer.concat(chunks);
            if (isOk(status)) resolve();
            else reject(statusError(status));
          },
          onResponseError(_c, err: Error) {
            reject(err);
          },
        };
        pool.dispatch(options, handler);
      }),
    close: () => pool.close(),
  };
}
