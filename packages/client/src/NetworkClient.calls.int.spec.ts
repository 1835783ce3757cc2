import { RpcError } from '@slipstream/contracts';
import { NoRouteError } from './errors/NoRouteError';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jayson from 'jayson';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

/** One JSON-RPC upstream: jayson behind a node:http server that can answer the next batches 503. */
interface RpcUpstream {
  readonly origin: string;
  /** Executions per method. */
  readonly executions: Map<string, number>;
  /** JSON bodies of the batches (and single calls) it received. */
  readonly received: unknown[];
  /** The next this-many HTTP requests get a 503 without reaching jayson. */
  failNext: number;
  readonly server: HttpServer;
}

async function startRpcUpstream(name: string): Promise<RpcUpstream> {
  const executions = new Map<string, number>();
  const count = (method: string): void => void executions.set(method, (executions.get(method) ?? 0) + 1);
  const results: Record<string, (params: unknown) => unknown> = {
    echo: (params) => params,
    where: () => name,
    record: () => true,
  };
  const rpc = new jayson.Server(
    Object.fromEntries(
      Object.entries(results).map(([method, result]) => [
        method,
        (params: unknown, done: (err: unknown, value?: unknown) => void) => {
          count(method);
          done(null, result(params));
        },
      ]),
    ),
  );
  const upstream = { executions, received: [] as unknown[], failNext: 0 } as Omit<
    RpcUpstream,
    'origin' | 'server'
  >;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (upstream.failNext > 0) {
        upstream.failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      upstream.received.push(body);
      rpc.call(body as jayson.JSONRPCRequestLike[], (err, result) => {
        const answer: unknown = err ?? result;
        if (answer === undefined) res.writeHead(204).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(upstream, {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
  });
}

/** The calls in the received bodies (a batch is an array, a single call an object). */
function callsIn(received: readonly unknown[]): Record<string, unknown>[] {
  return received.flatMap((b): unknown[] => (Array.isArray(b) ? (b as unknown[]) : [b])) as Record<
    string,
    unknown
  >[];
}

describe('NetworkClient.call() and .notify() against jayson', () => {
  let a: RpcUpstream;
  let b: RpcUpstream;
  let client: NetworkClient | undefined;

  const options = (extra: Partial<NetworkClientOptions> = {}): NetworkClientOptions => ({
    clusters: [
      { cluster: 'a', endpoints: [{ origin: a.origin }], batchPath: '/rpc' },
      { cluster: 'b', endpoints: [{ origin: b.origin }], batchPath: '/rpc' },
    ],
    batching: { maxBatchSize: 50, maxDelayMs: 5 },
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });

  beforeAll(async () => {
    [a, b] = await Promise.all([startRpcUpstream('a'), startRpcUpstream('b')]);
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    for (const u of [a, b]) {
      u.executions.clear();
      u.received.splice(0);
      u.failNext = 0;
    }
  });
  afterAll(async () => {
    await Promise.all([a, b].map((u) => new Promise((resolve) => u.server.close(resolve))));
  });

  it('when 10 identical idempotent calls run at once with dedupe on, jayson executes one and each caller gets its own copy', async () => {
    client = createNetworkClient(options({ batching: { maxBatchSize: 50, maxDelayMs: 5, dedupe: true } }));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client!.call<{ n: number }>('echo', { n: 1 }, { idempotent: true })),
    );
    expect(a.executions.get('echo')).toBe(1);
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ n: 1 })));
    expect(new Set(results).size).toBe(10);
    expect(client.stats().batching.a!.deduplicated).toBe(9);
  });

  it('when a catch-all route sends everything to b, a call naming cluster a is answered by a', async () => {
    client = createNetworkClient(options({ routes: [{ id: 'all', match: {}, cluster: 'b' }] }));
    await expect(client.call('where', [], { cluster: 'a' })).resolves.toBe('a');
    expect(b.received).toHaveLength(0);
  });

  it('when every call of a batch is idempotent, a 503 then a 200 answers every call', async () => {
    client = createNetworkClient(options());
    a.failNext = 1;
    const results = await Promise.all([1, 2, 3].map((n) => client!.call('echo', [n], { idempotent: true })));
    expect(results).toEqual([[1], [2], [3]]);
    expect(a.failNext).toBe(0);
  });

  it('when one call of a batch is not idempotent, a 503 is not retried and every call fails', async () => {
    client = createNetworkClient(options());
    a.failNext = 1;
    const settled = await Promise.allSettled([
      client.call('echo', [1], { idempotent: true }),
      client.call('record', [2]),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(a.received).toHaveLength(0);
    expect(a.executions.get('record')).toBeUndefined();
  });

  it('when a critical call joins bulk ones, their batch is admitted in the critical QoS class', async () => {
    client = createNetworkClient(options());
    const calls = [
      client.call('echo', [1], { priority: 'bulk' }),
      client.call('echo', [2], { priority: 'bulk' }),
      client.call('echo', [3], { priority: 'critical' }),
    ];
    await Promise.all(calls);
    const classes = client.stats().routing.classes;
    expect(callsIn(a.received)).toHaveLength(3);
    expect(classes.critical!.admitted).toBe(a.received.length);
    expect(classes.standard!.admitted + classes.bulk!.admitted).toBe(0);
  });

  it('when a notification is sent, it carries no id, jayson executes it and notify() resolves once its batch was sent', async () => {
    client = createNetworkClient(options());
    const [sent, echoed] = await Promise.all([client.notify('record', [1]), client.call('echo', [2])]);
    expect(sent).toBeUndefined();
    expect(echoed).toEqual([2]);
    const record = callsIn(a.received).find((c) => c.method === 'record')!;
    expect('id' in record).toBe(false);
    expect(a.executions.get('record')).toBe(1);
  });

  it('when no cluster is configured, call() and notify() reject with NoRouteError instead of throwing', async () => {
    client = createNetworkClient({ clusters: [] });
    let call: Promise<unknown> | undefined;
    expect(() => (call = client!.call('echo'))).not.toThrow();
    await expect(call).rejects.toBeInstanceOf(NoRouteError);
    await expect(client.notify('record')).rejects.toBeInstanceOf(NoRouteError);
  });

  it('when a route sets policy.batching (removed: calls never go through routes), the options are refused', () => {
    const routes = [{ id: 'all', match: {}, cluster: 'b', policy: { batching: true } }];
    expect(() => createNetworkClient(options({ routes } as Partial<NetworkClientOptions>))).toThrow(
      /routes\[0\]\.policy.*batching/s,
    );
  });

  it('when jayson refuses a call, only that caller sees its RpcError', async () => {
    client = createNetworkClient(options());
    const settled = await Promise.allSettled([client.call('echo', [1]), client.call('missing', [])]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: [1] });
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(RpcError);
  });
});
