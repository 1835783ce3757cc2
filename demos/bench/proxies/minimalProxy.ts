/**
 * The floor a Node reverse proxy can reach, for the `sidecar` bench suite: `node:http` in front
 * of one undici keep-alive `Pool`, bodies piped both ways, no routing, no policy, no metrics.
 * Forked with `UPSTREAM` (origin) in the environment; listens on 127.0.0.1 port 0 and tells the
 * parent `{ type: 'proxy.ready', url }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

/** The message the proxy sends its parent once it listens. */
export interface MinimalProxyReady {
  type: 'proxy.ready';
  url: string;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'host']);

const pool = new Pool(process.env.UPSTREAM ?? '', { connections: 64 });
const server = createServer((req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  pool
    .request({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      body: req.method === 'GET' ? null : req,
    })
    .then(
      (upstream) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstream.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        res.writeHead(upstream.statusCode, out);
        pipeline(upstream.body, res, () => undefined);
      },
      () => {
        res.writeHead(502).end();
      },
    );
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const ready: MinimalProxyReady = { type: 'proxy.ready', url: `http://127.0.0.1:${port}` };
  process.send?.(ready);
});
process.once('disconnect', () => process.exit(0));
