import { createServer } from 'node:http';

/** A bare node:http server on 127.0.0.1 — no testkit, no admin API, nothing a demo can control. */
export interface PlainUpstream {
  readonly origin: string;
  /** Requests it answered, by path. */
  readonly requestsByPath: Map<string, number>;
  /** JSON-RPC calls it answered. */
  rpcCalls: number;
  close(): Promise<void>;
}

interface RpcCall {
  id?: unknown;
  params?: unknown;
}

/**
 * Starts a plain upstream: 200 with a small JSON body on any path, and on POST /rpc a minimal
 * JSON-RPC 2.0 answer (single or batch) whose result is each call's params.
 */
export async function startPlainUpstream(): Promise<PlainUpstream> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://plain').pathname;
      plain.requestsByPath.set(path, (plain.requestsByPath.get(path) ?? 0) + 1);
      let body: unknown = { ok: true, path };
      if (req.method === 'POST' && path === '/rpc') {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcCall | RpcCall[];
        const calls = Array.isArray(parsed) ? parsed : [parsed];
        plain.rpcCalls += calls.length;
        const answers = calls
          .filter((c) => c.id !== undefined)
          .map((c) => ({ jsonrpc: '2.0', id: c.id, result: c.params ?? null }));
        body = Array.isArray(parsed) ? answers : answers[0];
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  const plain: PlainUpstream = {
    origin: `http://127.0.0.1:${port}`,
    requestsByPath: new Map(),
    rpcCalls: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return plain;
}
