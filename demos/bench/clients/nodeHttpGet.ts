import http from 'node:http';

import { isOk, statusError } from './assertOk';

/** One GET with node:http over `agent` (false: a new connection closed after the response); drains the body. */
export function nodeHttpGet(url: URL, agent: http.Agent | false): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const headers = agent === false ? { connection: 'close' } : undefined;
    const req = http.request(url, { agent, headers }, (res) => {
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (isOk(status)) resolve();
        else reject(statusError(status));
      });
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}
