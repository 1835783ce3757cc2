import { PoolManager, type HttpRequest } from '@slipstream/http';

import { assertOk } from './assertOk';
import type { LoadClient } from './LoadClient';

/**
 * Slipstream's pool layer alone, called the way the pipeline's send step calls it: one
 * `PoolManager` of `connections` connections per origin (its defaults otherwise), `request()` with
 * an abort signal that serves request after request (`reusedSignal`, one per request in flight, as
 * the circuit breaker lends them) and no deadline (the pipeline sets none unless a route, the
 * request or `defaultTimeoutMs` asks for one). The pipeline ÷ this is what the steps above the
 * pool cost (route, admission, retry, pick, breaker, monitor); this ÷ undici dispatch is the pool's share.
 */
export function poolManagerClient(url: URL, connections: number): LoadClient {
  const pool = new PoolManager({ connections });
  const request: HttpRequest = { origin: url.origin, method: 'GET', path: url.pathname + url.search };
  const spare: AbortController[] = [];
  return {
    async get() {
      const controller = spare.pop() ?? new AbortController();
      try {
        const res = await pool.request(request, {
          signal: controller.signal,
          reusedSignal: true,
          idempotent: true,
        });
        assertOk(res.statusCode);
      } finally {
        spare.push(controller);
      }
    },
    close: () => pool.close(),
  };
}
