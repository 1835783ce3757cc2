import { ConfigError } from '@slipstream/contracts';
import { Agent } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { jsonOf, rawRequest, until } from '../../test/httpRequest';
import { startRecordingServer, type RecordingServer } from '../../test/recordingServer';
import { BEHAVIOUR_HEADER, UPSTREAM_HEADER } from '../http/headerNames';
import { startUpstream } from '../startUpstream';
import type { Upstream } from './Upstream';
import { UpstreamServer } from './UpstreamServer';

const rpcCall = (id: number) => ({ jsonrpc: '2.0', id, method: 'echo', params: [id] });

describe(`${UpstreamServer.name} with forwardTo`, () => {
  let real: RecordingServer;
  let proxy: Upstream;

  beforeAll(async () => {
    real = await startRecordingServer((req) => ({
      status: req.url.startsWith('/missing') ? 404 : 200,
      headers: { 'content-type': 'application/json', 'x-real': 'yes', 'keep-alive': 'timeout=77' },
      body: JSON.stringify({ real: true, url: req.url }),
    }));
    proxy = await startUpstream({ name: 'proxy', forwardTo: { origin: real.origin } });
  });

  afterEach(() => {
    proxy.setBehaviour([]);
    proxy.setBehaviour({});
    proxy.setHealthy(true);
    proxy.resetCounters();
    real.seen.length = 0;
  });

  afterAll(async () => {
    await proxy.close();
    await real.close();
  });

  describe('when no behaviour answers the request', () => {
    it('forwards method, path, query, end-to-end headers and body, and returns the real answer', async () => {
      const res = await rawRequest(`${proxy.url}/items?x=1`, {
        method: 'POST',
        headers: { 'x-client': 'c', connection: 'keep-alive, x-hop', 'x-hop': 'h', [BEHAVIOUR_HEADER]: '{}' },
        body: 'hello',
      });

      expect(res.status).toBe(200);
      expect(jsonOf(res)).toEqual({ real: true, url: '/items?x=1' });
      expect(res.headers).toMatchObject({ 'x-real': 'yes', [UPSTREAM_HEADER]: 'proxy' });
      expect(res.headers['keep-alive']).not.toBe('timeout=77');
      expect(real.seen).toHaveLength(1);
      const [seen] = real.seen;
      expect(seen).toMatchObject({ method: 'POST', body: 'hello' });
      expect(seen!.headers).toMatchObject({ 'x-client': 'c', host: new URL(real.origin).host });
      expect(seen!.headers).not.toHaveProperty('x-hop');
      expect(seen!.headers).not.toHaveProperty(BEHAVIOUR_HEADER);
      await until(() => proxy.counters().requestsServed === 1);
      expect(proxy.counters()).toMatchObject({
        connectionsAccepted: 1,
        requestsByRoute: { '/items': 1 },
        requestsByStatus: { '200': 1 },
        bytesInWire: 5,
        bytesOutWire: res.body.length,
      });
    });

    it('returns the real status as it is, a 404 included', async () => {
      const res = await rawRequest(`${proxy.url}/missing`);
      expect(res.status).toBe(404);
      expect(real.seen).toHaveLength(1);
    });

    it('reuses its connections to the real upstream (keep-alive)', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const before = real.connections();
      for (let i = 0; i < 5; i++) await rawRequest(`${proxy.url}/reuse/${i}`, { agent });
      agent.destroy();
      expect(real.seen).toHaveLength(5);
      expect(real.connections() - before).toBeLessThanOrEqual(1);
    });

    it('forwards a JSON-RPC batch decoded and counts its calls', async () => {
      const batch = JSON.stringify([rpcCall(1), rpcCall(2), rpcCall(3)]);
      const wire = gzipSync(batch);
      const res = await rawRequest(`${proxy.url}/rpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: wire,
      });

      expect(res.status).toBe(200);
      expect(real.seen[0]).toMatchObject({ url: '/rpc', body: batch });
      expect(real.seen[0]!.headers).not.toHaveProperty('content-encoding');
      await until(() => proxy.counters().requestsServed === 1);
      expect(proxy.counters()).toMatchObject({
        rpcBatches: 1,
        rpcCalls: 3,
        bytesInWire: wire.length,
        bytesInDecoded: batch.length,
      });
    });
  });

  describe('when a behaviour applies', () => {
    it('answers status, error and body rules itself: the real upstream never sees those requests', async () => {
      proxy.setBehaviour([{ match: { pathPrefix: '/fail' }, behaviour: { status: 500 } }]);
      const failed = await rawRequest(`${proxy.url}/fail/1`);
      proxy.setBehaviour({ errorRate: 1, errorStatus: 503 });
      const errored = await rawRequest(`${proxy.url}/other`);

      expect([failed.status, errored.status]).toEqual([500, 503]);
      expect(real.seen).toHaveLength(0);
    });

    it('delays a latency-only request, then forwards it', async () => {
      proxy.setBehaviour({ latencyMs: 5 });
      const res = await rawRequest(`${proxy.url}/slow`);
      expect(jsonOf(res)).toEqual({ real: true, url: '/slow' });
      expect(real.seen).toHaveLength(1);
    });

    it('answers 503 on the health path when set unhealthy, and forwards it when healthy', async () => {
      proxy.setHealthy(false);
      expect((await rawRequest(`${proxy.url}/health`)).status).toBe(503);
      expect(real.seen).toHaveLength(0);
      proxy.setHealthy(true);
      expect(jsonOf(await rawRequest(`${proxy.url}/health`))).toEqual({ real: true, url: '/health' });
    });

    it('resets the connection without forwarding', async () => {
      proxy.setBehaviour({ reset: 'beforeHeaders' });
      await expect(rawRequest(`${proxy.url}/reset`)).rejects.toThrow();
      expect(real.seen).toHaveLength(0);
    });
  });

  describe('when path and rpcPath are mapped', () => {
    it('sends REST requests to path and JSON-RPC bodies to rpcPath', async () => {
      const mapped = await startUpstream({
        forwardTo: { origin: real.origin, path: '/status', rpcPath: '/api/rpc' },
      });
      try {
        await rawRequest(`${mapped.url}/work?x=1`);
        await rawRequest(`${mapped.url}/rpc`, { method: 'POST', body: JSON.stringify(rpcCall(1)) });
        expect(real.seen.map((r) => r.url)).toEqual(['/status', '/api/rpc']);
        expect(mapped.counters().requestsByRoute).toEqual({ '/work': 1, '/rpc': 1 });
      } finally {
        await mapped.close();
      }
    });
  });

  describe('when the real upstream compresses although asked for identity', () => {
    it('decodes its answer, so the client gets one encoding layer (the testkit’s own) or none', async () => {
      const body = JSON.stringify({ real: true, zipped: 'yes'.repeat(100) });
      const zipping = await startRecordingServer(() => ({
        status: 200,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(body),
      }));
      const front = await startUpstream({ forwardTo: { origin: zipping.origin } });
      try {
        const plain = await rawRequest(`${front.url}/z`);
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(jsonOf(plain)).toEqual(JSON.parse(body));

        front.setBehaviour({ compress: 'gzip' });
        const once = await rawRequest(`${front.url}/z`, { headers: { 'accept-encoding': 'gzip' } });
        expect(once.headers['content-encoding']).toBe('gzip');
        expect(JSON.parse(gunzipSync(once.body).toString('utf8'))).toEqual(JSON.parse(body));
      } finally {
        await front.close();
        await zipping.close();
      }
    });
  });

  describe('when the real upstream cannot be reached', () => {
    it('answers 502', async () => {
      const gone = await startRecordingServer(() => ({ status: 200, body: '' }));
      await gone.close();
      const orphan = await startUpstream({ forwardTo: { origin: gone.origin } });
      try {
        const res = await rawRequest(`${orphan.url}/x`);
        expect(res.status).toBe(502);
        expect(jsonOf(res)).toMatchObject({ error: 'upstream unreachable' });
      } finally {
        await orphan.close();
      }
    });
  });

  describe('when forwardTo is invalid', () => {
    it.each([
      [{ origin: 'ftp://x' }, 'forwardTo.origin'],
      [{ origin: 'http://x:1/api' }, 'forwardTo.origin'],
      [{ origin: 'http://x:1', path: 'health' }, 'forwardTo.path'],
      [{ origin: 'http://x:1', rpcPath: '' }, 'forwardTo.rpcPath'],
    ])('%j throws a ConfigError naming %s', (forwardTo, path) => {
      const error = (() => {
        try {
          new UpstreamServer({ forwardTo });
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(ConfigError.is(error)).toBe(true);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([path]);
    });
  });
});
