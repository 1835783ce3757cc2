import { createLogger } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { startSidecar, type RunningSidecar } from '../startSidecar';
import { send, type Exchanged } from '../test/httpExchange';

/**
 * The JSON-RPC coalescing endpoint `POST /_slipstream/rpc/<cluster>` of a running sidecar, in
 * front of the testkit upstream's JSON-RPC endpoint: ids answered as sent, params the batcher
 * cannot serialise answered as the caller's mistake, an unknown priority refused as the proxy does.
 */
describe('the JSON-RPC endpoint answers the caller’s ids and mistakes as sent', () => {
  let upstream: Upstream;
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    upstream = await startUpstream({ name: 'a' });
    sidecar = await startSidecar({
      logger: createLogger({ silent: true }),
      config: {
        network: {
          clusters: [{ cluster: 'a', endpoints: [{ origin: upstream.origin }] }],
          routes: [{ id: 'api', match: { path: '/api/' }, cluster: 'a' }],
          batching: { maxBatchSize: 50, maxDelayMs: 5 },
        },
        sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
      },
    });
  });

  afterAll(async () => {
    await sidecar.stop();
    await upstream.close();
  });

  const rpc = (body: string, headers: Record<string, string> = {}): Promise<Exchanged> =>
    send(sidecar.proxyUrl, {
      method: 'POST',
      path: '/_slipstream/rpc/a',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  /** Arrays nested 5 000 deep (the review's case): `JSON.parse` reads them, `JSON.stringify` cannot write them. */
  const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;

  it.each([['9007199254740993'], ['123456789012345678901234567890'], ['1e400'], ['-0'], ['1.0'], ['7']])(
    'answers id %s with its own digits',
    async (id) => {
      const res = await rpc(`{"jsonrpc":"2.0","id":${id},"method":"echo","params":[1]}`);
      expect([res.status, res.body.toString()]).toEqual([200, `{"jsonrpc":"2.0","id":${id},"result":[1]}`]);
    },
  );

  it('answers each call of an array with its own id and its own outcome', async () => {
    const res = await rpc(
      '[{"jsonrpc":"2.0","id":9007199254740993,"method":"echo","params":["a"]},' +
        '{"jsonrpc":"2.0","id":1e400,"method":"add","params":["x"]},' +
        '{"jsonrpc":"2.0","id":"1e400","method":"echo","params":["c"]},' +
        '{"id":123456789012345678901234567890,"method":"echo"},' +
        '{"jsonrpc":"2.0","id":2,"method":"add","params":[1,2]}]',
    );
    expect(res.status).toBe(200);
    const body = res.body.toString();
    expect(body).toMatch(
      /^\[\{"jsonrpc":"2\.0","id":9007199254740993,"result":\["a"\]\},\{"jsonrpc":"2\.0","id":1e400,"error":\{"code":-32602,/,
    );
    expect(body).toContain('{"jsonrpc":"2.0","id":"1e400","result":["c"]}');
    expect(body).toContain(
      '{"jsonrpc":"2.0","id":123456789012345678901234567890,"error":{"code":-32600,"message":"invalid request"}}',
    );
    expect(body).toMatch(/\{"jsonrpc":"2\.0","id":2,"result":3\}\]$/);
  });

  describe('params nested too deep to send', () => {
    it('answers a call with -32602 and its id (HTTP 200), not 502', async () => {
      const res = await rpc(`{"jsonrpc":"2.0","id":5,"method":"echo","params":${deep}}`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        jsonrpc: '2.0',
        id: 5,
        error: { code: -32602, data: { code: 'SLIP_ERR_PAYLOAD_NOT_SERIALIZABLE' } },
      });
      expect((res.json as { error: { message: string } }).error.message).toMatch(/^invalid params: /);
    });

    it('answers only that call of an array so; the others go through', async () => {
      const res = await rpc(
        `[{"jsonrpc":"2.0","id":1,"method":"echo","params":${deep}},{"jsonrpc":"2.0","id":2,"method":"echo","params":[2]}]`,
      );
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(2);
      expect(res.json).toMatchObject([
        { jsonrpc: '2.0', id: 1, error: { code: -32602 } },
        { jsonrpc: '2.0', id: 2, result: [2] },
      ]);
    });

    it('refuses a lone notification with 400 (it gets no error object)', async () => {
      const res = await rpc(`{"jsonrpc":"2.0","method":"echo","params":${deep}}`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'SLIP_ERR_REFUSED', retryable: false } });
    });
  });

  describe('x-slipstream-priority', () => {
    it('refuses an unknown class with 400 SLIP_ERR_UNKNOWN_QOS_CLASS, as the proxy does', async () => {
      const header = { 'x-slipstream-priority': 'urgent' };
      const proxied = await send(sidecar.proxyUrl, { path: '/api/x', headers: header });
      const res = await rpc('{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]}', header);
      expect([proxied.status, res.status]).toEqual([400, 400]);
      expect(res.json).toMatchObject({ error: { code: 'SLIP_ERR_UNKNOWN_QOS_CLASS', retryable: false } });
      expect(proxied.json).toMatchObject({ error: { code: 'SLIP_ERR_UNKNOWN_QOS_CLASS' } });
    });

    it('takes critical, standard and bulk', async () => {
      for (const priority of ['critical', 'standard', 'bulk']) {
        const res = await rpc('{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]}', {
          'x-slipstream-priority': priority,
        });
        expect([res.status, res.json]).toEqual([200, { jsonrpc: '2.0', id: 1, result: [1] }]);
      }
    });
  });
});
