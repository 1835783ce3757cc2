import http from 'node:http';
import { UpstreamStatusError } from '@slipstream/contracts';

/**
 * One GET with plain `node:http` and no agent (`Connection: close`): a new TCP connection per
 * request, as a client without pooling sends it. Calls `onConnection` when the request gets its
 * socket, so the caller counts the connections it opened. Rejects with `UpstreamStatusError` on a
 * non-2xx answer; drains the body.
 */
export function newConnectionGet(url: URL, onConnection: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = http.request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new UpstreamStatusError(status, `upstream answered ${status}`));
      });
      res.resume();
    });
    req.once('socket', onConnection);
    req.on('error', reject);
    req.end();
  });
}
