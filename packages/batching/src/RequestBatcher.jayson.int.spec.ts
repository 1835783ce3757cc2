import { RpcError } from '@slipstream/contracts';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jayson from 'jayson';
import { Agent, request } from 'undici';
import { track, type SettleRecord } from '../test/settleCounter';
import type { BatchSender } from './BatchSender';
import { RequestBatcher } from './RequestBatcher';

/** Header that makes the test server answer a batch's entries in reverse order. */
const REVERSE = 'x-reverse';

describe('RequestBatcher against jayson (a JSON-RPC 2.0 server from npm)', () => {
  const executions = new Map<string, number>();
  const count = (method: string): void => void executions.set(method, (executions.get(method) ?? 0) + 1);
  const rpc = new jayson.Server({
    echo: (params: unknown, done: (err: unknown, result?: unknown) => void) => {
      count('echo');
      done(null, params);
    },
    fail: (_params: unknown, done: (err: unknown) => void) => {
      count('fail');
      done({ code: 42, message: 'refused on purpose' });
    },
    record: (_params: unknown, done: (err: unknown, result?: unknown) => void) => {
      count('record');
      done(null, true);
    },
  });
  let http: HttpServer;
  let origin: string;
  let agent: Agent;
  const batches: unknown[] = [];

  beforeAll(async () => {
    // jayson answers every call; the wrapper only carries HTTP and, on request, reverses the order.
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        batches.push(body);
        rpc.call(body as jayson.JSONRPCRequestLike[], (err, result) => {
          const answer: unknown = err ?? result;
          if (answer === undefined) {
            res.writeHead(204).end();
            return;
          }
          const ordered =
            Array.isArray(answer) && req.headers[REVERSE] ? [...(answer as unknown[])].reverse() : answer;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ordered));
        });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    agent = new Agent({ connections: 4 });
  });
  afterEach(() => {
    executions.clear();
    batches.splice(0);
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => http.close(resolve));
  });

  const sender =
    (reverse = false): BatchSender =>
    async (batch, signal) => {
      const res = await request(`${origin}/rpc`, {
        method: 'POST',
        dispatcher: agent,
        headers: { ...batch.headers, ...(reverse ? { [REVERSE]: '1' } : {}) },
        body: typeof batch.body === 'string' ? batch.body : Buffer.from(batch.body),
        signal,
      });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    };

  /** Waits for every tracked promise and checks that each settled exactly once. */
  async function settledOnce(promises: Promise<unknown>[], records: SettleRecord[]): Promise<void> {
    await Promise.allSettled(promises);
    await new Promise((resolve) => setImmediate(resolve));
    expect(records.map((r) => r.resolved + r.rejected)).toEqual(records.map(() => 1));
  }

  it('when the answers come in reverse order, each call gets its own result', async () => {
    const batcher = new RequestBatcher(sender(true), { maxBatchSize: 10, maxDelayMs: 1_000 });
    const calls = Array.from({ length: 10 }, (_, i) => batcher.call('echo', [i]));
    const records = calls.map(track);
    await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => [i]));
    await settledOnce(calls, records);
    expect(batches).toHaveLength(1);
    await batcher.close();
  });

  it('when some calls fail, only they reject, with the server’s code and message', async () => {
    const batcher = new RequestBatcher(sender(true), { maxBatchSize: 4, maxDelayMs: 1_000 });
    const calls = [
      batcher.call('echo', ['a']),
      batcher.call('fail', []),
      batcher.call('nope', []),
      batcher.call('echo', ['b']),
    ];
    const records = calls.map(track);
    await settledOnce(calls, records);
    expect(records.map((r) => r.value ?? (r.error as RpcError).rpcCode)).toEqual([['a'], 42, -32601, ['b']]);
    expect((records[1]!.error as RpcError).message).toBe('refused on purpose');
    await batcher.close();
  });

  it('when the server answers an invalid call with id: null, that call gets the server’s error (regression 8)', async () => {
    const batcher = new RequestBatcher(sender(true), { maxBatchSize: 3, maxDelayMs: 1_000 });
    // jayson refuses params that are neither an array nor an object with id: null.
    const calls = [batcher.call('echo', ['a']), batcher.call('echo', 5), batcher.call('echo', ['c'])];
    const records = calls.map(track);
    await settledOnce(calls, records);
    expect(records[0]!.value).toEqual(['a']);
    expect(records[2]!.value).toEqual(['c']);
    expect(RpcError.is(records[1]!.error)).toBe(true);
    expect(records[1]!.error).toMatchObject({ rpcCode: -32600 });
    await batcher.close();
  });

  it('when the server refuses every call of a batch with id: null, every call gets the server’s error', async () => {
    const batcher = new RequestBatcher(sender(), { maxBatchSize: 2, maxDelayMs: 1_000 });
    const calls = [batcher.call('echo', 1), batcher.call('echo', 2)];
    const records = calls.map(track);
    await settledOnce(calls, records);
    expect(records.map((r) => (r.error as RpcError).rpcCode)).toEqual([-32600, -32600]);
    await batcher.close();
  });

  it('sends notifications without an id; they resolve once their batch is delivered, alone or among calls', async () => {
    const batcher = new RequestBatcher(sender(), { maxBatchSize: 3, maxDelayMs: 1_000 });
    const mixed = [
      batcher.notify('record', ['n1']),
      batcher.notify('record', ['n2']),
      batcher.call('echo', ['x']),
    ];
    const records = mixed.map(track);
    await settledOnce(mixed, records);
    expect(records.map((r) => r.value)).toEqual([undefined, undefined, ['x']]);
    expect(batches[0]).toEqual([
      { jsonrpc: '2.0', method: 'record', params: ['n1'] },
      { jsonrpc: '2.0', method: 'record', params: ['n2'] },
      { jsonrpc: '2.0', method: 'echo', params: ['x'], id: expect.any(Number) as unknown },
    ]);

    const alone = [
      batcher.notify('record', ['n3']),
      batcher.notify('record', ['n4']),
      batcher.notify('record', []),
    ];
    const aloneRecords = alone.map(track);
    await settledOnce(alone, aloneRecords);
    expect(aloneRecords.map((r) => r.resolved)).toEqual([1, 1, 1]);
    expect(executions.get('record')).toBe(5);
    await batcher.close();
  });

  it('when dedupe is on, identical idempotent calls are executed once and all get the result', async () => {
    const batcher = new RequestBatcher(sender(), { maxBatchSize: 20, maxDelayMs: 1_000, dedupe: true });
    const calls = Array.from({ length: 10 }, () => batcher.call('echo', ['same'], { idempotent: true }));
    calls.push(batcher.call('echo', ['other'], { idempotent: true }));
    const records = calls.map(track);
    await batcher.close();
    await settledOnce(calls, records);
    expect(records.map((r) => r.value)).toEqual([...Array.from({ length: 10 }, () => ['same']), ['other']]);
    expect(executions.get('echo')).toBe(2);
    expect(batcher.stats()).toMatchObject({ deduplicated: 9 });
  });
});
