import type { LoadClient } from './LoadClient';
import { nodeHttpGet } from './nodeHttpGet';

/** A new TCP connection per request: node:http without an agent, `Connection: close`. */
export function newConnectionClient(url: URL): LoadClient {
  return { get: () => nodeHttpGet(url, false), close: () => Promise.resolve() };
}
