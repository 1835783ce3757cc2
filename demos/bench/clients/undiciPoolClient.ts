import { Pool } from 'undici';

import { assertOk } from './assertOk';
import type { LoadClient } from './LoadClient';

/** Raw undici: one `Pool` of `connections` keep-alive sockets, `Pool.request` and the body read as text. */
export function undiciPoolClient(url: URL, connections: number): LoadClient {
  const pool = new Pool(url.origin, { connections });
  const path = url.pathname + url.search;
  return {
    async get() {
      const res = await pool.request({ method: 'GET', path });
      await res.body.text();
      assertOk(res.statusCode);
    },
    close: () => pool.close(),
  };
}
