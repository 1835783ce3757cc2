import { request } from 'node:http';
import { ConnectionError, RequestAbortedError } from '@slipstream/contracts';
import type { WorkloadTarget } from './measureWorkload';

/**
 * A `WorkloadTarget` without the pipeline: each request goes to the next of `origins` (round
 * robin) over a new TCP connection of its own (`node:http` without an agent, `connection:
 * close`), the way a client without pooling sends. It has no pools, so a workload measured
 * through it reports `efficiency` 0 (no connection reused). Plain HTTP origins only.
 */
export function directTarget(origins: readonly string[]): WorkloadTarget {
  let next = 0;
  return {
    request(req, opts) {
      const origin = origins[next++ % origins.length]!;
      return new Promise((resolve, reject) => {
        const outgoing = request(
          new URL(req.path, origin),
          {
            method: req.method ?? 'GET',
            agent: false,
            headers: { connection: 'close' },
            signal: opts?.signal,
          },
          (res) => {
            res.resume();
            res.once('end', () => resolve({ statusCode: res.statusCode ?? 0 }));
            res.once('error', (err) => reject(new ConnectionError(err.message, { cause: err })));
          },
        );
        outgoing.once('error', (err) => {
          if (opts?.signal?.aborted) reject(new RequestAbortedError('aborted', { cause: err }));
          else reject(new ConnectionError(err.message, { cause: err }));
        });
        outgoing.end();
      });
    },
    stats: () => ({ pools: [] }),
  };
}
