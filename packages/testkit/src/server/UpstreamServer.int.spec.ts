import { ConfigError } from '@slipstream/contracts';
import { Agent } from 'node:http';
import {
  brotliCompressSync,
  brotliDecompressSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateSync,
} from 'node:zlib';
import { jsonOf, rawRequest, until } from '../../test/httpRequest';
import { UpstreamClosedError } from '../errors/UpstreamClosedError';
import { startUpstream } from '../startUpstream';
import type { Upstream } from './Upstream';
import { BEHAVIOUR_HEADER } from '../http/headerNames';
import { UpstreamServer } from './UpstreamServer';

describe(UpstreamServer, () => {
  let up: Upstream;

  beforeAll(async () => {
    up = await startUpstream({ name: 'a', seed: 42 });
  });

  afterEach(() => {
    up.setBehaviour([]);
    up.setBehaviour({});
    up.setHealthy(true);
    up.resetCounters();
  });

  afterAll(async () => {
    await up.close();
  });

  describe('when a request arrives with no behaviour set', () => {
    it('answers 200 with a JSON echo and counts connection, request, route and status', async () => {
      const res = await rawRequest(`${up.url}/items?x=1`, { method: 'POST', body: 'hello' });

      expect(res.status).toBe(200);
      expect(jsonOf(res)).toEqual({ upstream: 'a', method: 'POST', path: '/items', bytes: 5 });
      await until(() => up.counters().requestsServed === 1);
      expect(up.counters()).toMatchObject({
        connectionsAccepted: 1,
        requestsReceived: 1,
        requestsByRoute: { '/items': 1 },
        requestsByStatus: { '200': 1 },
        bytesInWire: 5,
        bytesInDecoded: 5,
        peakConcurrency: 1,
      });
      expect(up.url).toBe(`http://127.0.0.1:${up.port}`);
    });
  });

  describe('.setBehaviour()', () => {
    it('when rules are set, the first matching rule wins over the default', async () => {
      up.setBehaviour({ status: 201 });
      up.setBehaviour([
        { match: { method: 'get', pathPrefix: '/busy' }, behaviour: { status: 429, retryAfter: 3 } },
        { match: { path: '/busy/x' }, behaviour: { status: 418 } },
        { match: { path: '/text' }, behaviour: { body: 'plain', headers: { 'x-k': 'v' } } },
      ]);

      const busy = await rawRequest(`${up.url}/busy/x`);
      const other = await rawRequest(`${up.url}/busy/x`, { method: 'PUT' });
      const text = await rawRequest(`${up.url}/text`);
      const fallback = await rawRequest(`${up.url}/else`);

      expect([busy.status, busy.headers['retry-after']]).toEqual([429, '3']);
      expect(other.status).toBe(418);
      expect([text.status, text.body.toString(), text.headers['x-k']]).toEqual([201, 'plain', 'v']);
      expect(fallback.status).toBe(201);
    });

    it('when the behaviour is invalid, throws a ConfigError naming the field', () => {
      expect(() => up.setBehaviour({ errorRate: 2 })).toThrow(ConfigError);
      expect(() => up.setBehaviour({ errorRate: 2 })).toThrow(/behaviour\.errorRate: expected a probability/);
      expect(() => up.setBehaviour([{ match: { path: 1 }, behaviour: {} } as never])).toThrow(ConfigError);
    });
  });

  describe('when a request carries the behaviour header', () => {
    it('applies it to that request only', async () => {
      const res = await rawRequest(`${up.url}/x`, { headers: { [BEHAVIOUR_HEADER]: '{"status":503}' } });
      const next = await rawRequest(`${up.url}/x`);

      expect([res.status, next.status]).toEqual([503, 200]);
    });

    it('answers 400 when the header is not a valid behaviour', async () => {
      const res = await rawRequest(`${up.url}/x`, { headers: { [BEHAVIOUR_HEADER]: '{"hang":"yes"}' } });

      expect(res.status).toBe(400);
      expect(res.body.toString()).toContain(`${BEHAVIOUR_HEADER}.hang`);
    });
  });

  describe('when an error rate is set', () => {
    it('answers errorStatus for that share of requests, reproducibly for a seed', async () => {
      const statuses = async (u: Upstream): Promise<number[]> => {
        const out: number[] = [];
        for (let i = 0; i < 40; i++) out.push((await rawRequest(`${u.url}/r`)).status);
        return out;
      };
      const [b, c] = await Promise.all([
        startUpstream({ seed: 7, behaviour: { errorRate: 0.5, errorStatus: 502 } }),
        startUpstream({ seed: 7, behaviour: { errorRate: 0.5, errorStatus: 502 } }),
      ]);
      try {
        const fromB = await statuses(b);
        const fromC = await statuses(c);

        expect(fromB).toEqual(fromC);
        expect(new Set(fromB)).toEqual(new Set([200, 502]));
        expect(b.counters().requestsByStatus['502']).toBe(fromB.filter((s) => s === 502).length);
      } finally {
        await Promise.all([b.close(), c.close()]);
      }
    });
  });

  describe('when latency is set', () => {
    it('holds the answer at least that long', async () => {
      up.setBehaviour({ latencyMs: 150 });
      const started = performance.now();

      await rawRequest(`${up.url}/slow`);

      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });
  });

  describe('when maxConcurrent is set', () => {
    it('serves that many at once and queues the rest: 6 requests of 60 ms through 2 workers take 3 rounds', async () => {
      up.setBehaviour({ latencyMs: 60, maxConcurrent: 2 });
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 6 }, () => rawRequest(`${up.url}/q`)));
      // A lower bound by construction (each round sleeps 60 ms); without the gate it is one round.
      expect(performance.now() - started).toBeGreaterThanOrEqual(175);
      expect(answers.every((a) => a.status === 200)).toBe(true);
    });

    it('refuses a limit that is not a positive integer', () => {
      expect(() => up.setBehaviour({ maxConcurrent: 0 })).toThrow(ConfigError);
    });
  });

  describe('when reset is set', () => {
    it("'beforeHeaders' resets the connection with no response", async () => {
      up.setBehaviour({ reset: 'beforeHeaders' });

      await expect(rawRequest(`${up.url}/r`)).rejects.toMatchObject({ code: 'ECONNRESET' });
      await until(() => up.counters().resets === 1);
      expect(up.counters().requestsServed).toBe(0);
    });

    it("'afterHeaders' sends the headers, then closes mid-body", async () => {
      up.setBehaviour({ reset: 'afterHeaders', bodySize: 2_000 });

      await expect(rawRequest(`${up.url}/r`)).rejects.toMatchObject({
        code: 'ECONNRESET',
        message: 'aborted',
      });
      await until(() => up.counters().resets === 1);
      expect(up.counters().requests[0]).toMatchObject({ status: 200, outcome: 'reset', bytesOutWire: 1_000 });
    });
  });

  describe('when hang is set', () => {
    it('keeps requests in flight until the client gives up, and counts peak concurrency', async () => {
      up.setBehaviour({ hang: true });
      const controller = new AbortController();
      const pending = [1, 2, 3].map(() => rawRequest(`${up.url}/h`, { signal: controller.signal }));

      await up.waitForInFlight(3);
      controller.abort();
      await Promise.allSettled(pending);

      await until(() => up.counters().inFlight === 0);
      expect(up.counters()).toMatchObject({ peakConcurrency: 3, requestsServed: 0 });
      expect(up.counters().requests.map((r) => r.outcome)).toEqual(['aborted', 'aborted', 'aborted']);
    });
  });

  describe('when slowBody is set', () => {
    it('sends the whole body in chunks spaced by the interval', async () => {
      up.setBehaviour({ bodySize: 400, slowBody: { chunkBytes: 100, intervalMs: 40 } });
      const started = performance.now();

      const res = await rawRequest(`${up.url}/s`);

      expect(res.body).toHaveLength(400);
      expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40 - 5);
    });
  });

  describe('when compress is set', () => {
    it.each([
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
      ['deflate', inflateSync],
    ] as const)('compresses with %s when Accept-Encoding allows it', async (encoding, decode) => {
      up.setBehaviour({ compress: encoding, bodySize: 5_000 });

      const res = await rawRequest(`${up.url}/z`, {
        headers: { 'accept-encoding': `${encoding}, identity` },
      });

      expect(res.headers['content-encoding']).toBe(encoding);
      expect(decode(res.body)).toHaveLength(5_000);
      await until(() => up.counters().requestsServed === 1);
      expect(up.counters()).toMatchObject({ bytesOutLogical: 5_000, bytesOutWire: res.body.length });
      expect(res.body.length).toBeLessThan(5_000);
    });

    it('sends identity when Accept-Encoding does not allow it', async () => {
      up.setBehaviour({ compress: 'br', bodySize: 500 });

      const res = await rawRequest(`${up.url}/z`, { headers: { 'accept-encoding': 'gzip' } });

      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body).toHaveLength(500);
    });

    it('with corruptCompression, declares gzip over bytes that are not gzip', async () => {
      up.setBehaviour({ corruptCompression: true });

      const res = await rawRequest(`${up.url}/z`);

      expect(res.headers['content-encoding']).toBe('gzip');
      expect(() => gunzipSync(res.body)).toThrow();
    });
  });

  describe('when a request body is compressed', () => {
    it.each([
      ['gzip', gzipSync],
      ['br', brotliCompressSync],
      ['deflate', deflateSync],
    ] as const)('decodes %s and counts wire and decoded bytes', async (encoding, encode) => {
      const plain = Buffer.from(JSON.stringify({ data: 'x'.repeat(4_000) }));
      const wire = encode(plain);

      const res = await rawRequest(`${up.url}/upload`, {
        method: 'POST',
        headers: { 'content-encoding': encoding },
        body: wire,
      });

      expect(jsonOf(res)).toMatchObject({ bytes: plain.length });
      await until(() => up.counters().requestsServed === 1);
      expect(up.counters()).toMatchObject({ bytesInWire: wire.length, bytesInDecoded: plain.length });
      expect(up.counters().requests[0]).toMatchObject({
        contentEncoding: encoding,
        bytesInWire: wire.length,
      });
    });

    it('answers 415 when the body does not decode', async () => {
      const res = await rawRequest(`${up.url}/upload`, {
        method: 'POST',
        headers: { 'content-encoding': 'gzip' },
        body: 'not gzip',
      });

      expect(res.status).toBe(415);
    });
  });

  describe('when a JSON-RPC body is posted to /rpc', () => {
    const batch = [1, 2, 3].map((id) => ({ jsonrpc: '2.0', id, method: 'add', params: [id, 1] }));

    it('answers the batch and counts batches and calls', async () => {
      const res = await rawRequest(`${up.url}/rpc`, { method: 'POST', body: JSON.stringify(batch) });
      await rawRequest(`${up.url}/rpc`, { method: 'POST', body: JSON.stringify(batch[0]) });

      expect(jsonOf(res)).toEqual([2, 3, 4].map((result, i) => ({ jsonrpc: '2.0', id: i + 1, result })));
      await until(() => up.counters().requestsServed === 2);
      expect(up.counters()).toMatchObject({ rpcBatches: 1, rpcCalls: 4 });
    });

    it('applies the injected rpc faults of the matching rule', async () => {
      up.setBehaviour([{ match: { path: '/rpc' }, behaviour: { rpc: { omitIds: [2], duplicateIds: [3] } } }]);

      const res = await rawRequest(`${up.url}/rpc`, { method: 'POST', body: JSON.stringify(batch) });
      const failed = await rawRequest(`${up.url}/rpc`, {
        method: 'POST',
        body: JSON.stringify(batch),
        headers: { [BEHAVIOUR_HEADER]: '{"rpc":{"failBatch":true}}' },
      });

      expect(jsonOf<{ id: number }[]>(res).map((r) => r.id)).toEqual([1, 3, 3]);
      expect(failed.status).toBe(500);
    });
  });

  describe('.setHealthy()', () => {
    it('toggles the health endpoint between 200 and 503', async () => {
      const healthy = await rawRequest(`${up.url}/health`);
      up.setHealthy(false);
      const unhealthy = await rawRequest(`${up.url}/health`);

      expect([healthy.status, jsonOf(healthy)]).toEqual([200, { status: 'healthy' }]);
      expect([unhealthy.status, jsonOf(unhealthy)]).toEqual([503, { status: 'unhealthy' }]);
    });
  });

  describe('.closeIdleConnections()', () => {
    it('closes idle keep-alive sockets, so the next request needs a new connection', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await rawRequest(`${up.url}/k`, { agent });
        await rawRequest(`${up.url}/k`, { agent });
        expect(up.counters().connectionsAccepted).toBe(1);

        up.closeIdleConnections();
        await until(() => up.counters().connectionsOpen === 0);
        await until(() => agent.freeSockets[Object.keys(agent.freeSockets)[0] ?? ''] === undefined);
        await rawRequest(`${up.url}/k`, { agent });

        expect(up.counters().connectionsAccepted).toBe(2);
      } finally {
        agent.destroy();
      }
    });

    it('when keepAliveTimeoutMs passes, closes idle sockets by itself', async () => {
      const short = await startUpstream({ keepAliveTimeoutMs: 50 });
      const agent = new Agent({ keepAlive: true });
      try {
        await rawRequest(`${short.url}/k`, { agent });

        await until(() => short.counters().connectionsOpen === 0);
        expect(short.counters().connectionsAccepted).toBe(1);
      } finally {
        agent.destroy();
        await short.close();
      }
    });
  });

  describe('.stop() and .restart()', () => {
    it('refuses connections while stopped and listens on the same port after restart', async () => {
      const u = await startUpstream();
      const { port } = u;
      u.setBehaviour({ hang: true });
      const hanging = rawRequest(`${u.url}/h`);
      await u.waitForInFlight(1);

      await u.stop();

      await expect(hanging).rejects.toMatchObject({ code: 'ECONNRESET' });
      await expect(rawRequest(`${u.url}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      u.setBehaviour({});
      await u.restart();
      expect(u.port).toBe(port);
      expect((await rawRequest(`${u.url}/x`)).status).toBe(200);
      await u.close();
      await expect(u.restart()).rejects.toBeInstanceOf(UpstreamClosedError);
    });
  });

  describe('.resetCounters()', () => {
    it('zeroes the counters', async () => {
      await rawRequest(`${up.url}/x`);
      await until(() => up.counters().requestsServed === 1);

      up.resetCounters();

      expect(up.counters()).toMatchObject({ requestsServed: 0, connectionsAccepted: 0, requests: [] });
    });
  });

  describe('constructor', () => {
    it('when an option is invalid, throws a ConfigError naming it', () => {
      expect(() => new UpstreamServer({ port: -1, keepAliveTimeoutMs: 0 })).toThrow(
        'invalid configuration: port: expected an integer 0..65535, received -1; keepAliveTimeoutMs: expected a positive integer (ms), received 0',
      );
    });
  });
});
