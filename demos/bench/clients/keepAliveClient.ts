import http from 'node:http';

import type { LoadClient } from './LoadClient';
import { nodeHttpGet } from './nodeHttpGet';

/** node:http with a keep-alive `Agent` of at most `connections` sockets. */
export function keepAliveClient(url: URL, connections: number): LoadClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  return {
    get: () => nodeHttpGet(url, agent),
    close: () => {
      agent.destroy();
      return Promise.resolve();
    },
  };
}
