import { BrokenCircuitError } from '@slipstream/contracts';
import { MetricsRegistry } from '@slipstream/monitor';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { gunzipSync } from 'node:zlib';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

const PATH = '/work';

describe('NetworkClient (route policies, per-cluster breakers, wire bytes)', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;
  let metrics: MetricsRegistry | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(2, { seed: 5 });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    metrics?.close();
    metrics = undefined;
    for (const u of ups) {
      u.setBehaviour([]);
      u.setBehaviour({});
      u.resetCounters();
    }
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  const cluster = (name: string, up: Upstream) => ({
    cluster: name,
    endpoints: [{ origin: up.origin }],
    healthCheck: { intervalMs: 60_000 },
  });

  describe('.request()', () => {
    it('with decode: false, hands the body over as the upstream sent it (request and stream)', async () => {
      ups[0]!.setBehaviour({ compress: 'gzip', bodySize: 4_096 });
      client = createNetworkClient({ clusters: [cluster('api', ups[0]!)] });
      const req = { path: PATH, cluster: 'api', headers: { 'accept-encoding': 'gzip' } };
      const decoded = await client.request(req);
      const raw = await client.request(req, { decode: false });
      expect(decoded.headers['content-encoding']).toBeUndefined();
      expect(raw.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(raw.body).equals(decoded.body)).toBe(true);
      const streamed = await client.stream(req, { decode: false });
      const chunks: Buffer[] = [];
      for await (const chunk of streamed.body) chunks.push(chunk as Buffer);
      expect(gunzipSync(Buffer.concat(chunks)).equals(decoded.body)).toBe(true);
    });

    it("when a route sets policy.retries, that request is retried as often as the route says, not the client's default", async () => {
      ups[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 503 } }]);
      client = createNetworkClient({
        clusters: [cluster('api', ups[0]!)],
        routes: [
          {
            id: 'three',
            match: { path: '/work', headers: { 'x-route': 'three' } },
            cluster: 'api',
            policy: { retries: 3 },
          },
          {
            id: 'none',
            match: { path: '/work', headers: { 'x-route': 'none' } },
            cluster: 'api',
            policy: { retries: 0 },
          },
        ],
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        breaker: { volumeThreshold: 100_000 },
      });
      const served = (): number => ups[0]!.counters().requestsByRoute[PATH] ?? 0;
      expect((await client.request({ path: PATH, headers: { 'x-route': 'three' } })).statusCode).toBe(503);
      expect(served()).toBe(4);
      expect((await client.request({ path: PATH, headers: { 'x-route': 'none' } })).statusCode).toBe(503);
      expect(served()).toBe(5);
      expect((await client.request({ path: PATH, cluster: 'api' })).statusCode).toBe(503);
      expect(served()).toBe(7);
    });

    it('when a route sets policy.compression, its bodies travel compressed and the monitor gets wire and logical bytes', async () => {
      metrics = new MetricsRegistry({ clockResolutionMs: 0 });
      client = createNetworkClient(
        {
          clusters: [cluster('api', ups[0]!)],
          routes: [
            { id: 'ingest', match: { path: '/ingest' }, cluster: 'api', policy: { compression: 'gzip' } },
          ],
        },
        { metrics },
      );
      const body = JSON.stringify({
        rows: Array.from({ length: 500 }, (_, i) => ({ id: i, name: `row-${i}` })),
      });
      const logical = Buffer.byteLength(body);
      await client.request({ method: 'POST', path: '/ingest', body });
      const compressed = ups[0]!.counters().requests.at(-1)!;
      expect(compressed.contentEncoding).toBe('gzip');
      expect(compressed.bytesInDecoded).toBe(logical);
      expect(compressed.bytesInWire).toBeLessThan(logical / 2);

      await client.request({ method: 'POST', path: PATH, body, cluster: 'api' });
      const plain = ups[0]!.counters().requests.at(-1)!;
      expect(plain.contentEncoding).toBe('identity');

      const series = metrics.allSeries();
      const sum = (field: 'bytesOutLogical' | 'bytesOutWire' | 'bytesInLogical' | 'bytesInWire'): number =>
        series.reduce((n, s) => n + s[field], 0);
      const upstream = ups[0]!.counters();
      expect(sum('bytesOutLogical')).toBe(2 * logical);
      expect(sum('bytesOutWire')).toBe(compressed.bytesInWire + plain.bytesInWire);
      expect(sum('bytesInWire')).toBe(upstream.bytesOutWire);
      expect(sum('bytesInLogical')).toBe(upstream.bytesOutLogical);
    });
  });

  describe('.configureBreakers()', () => {
    it("when settings name a cluster, only that cluster's breakers use them", async () => {
      for (const u of ups) u.setBehaviour([{ match: { path: PATH }, behaviour: { status: 500 } }]);
      client = createNetworkClient({
        clusters: [cluster('fragile', ups[0]!), cluster('sturdy', ups[1]!)],
        breaker: { volumeThreshold: 100_000 },
      });
      client.configureBreakers({ cluster: 'fragile', volumeThreshold: 2 });
      const post = (name: string) => client!.request({ method: 'POST', path: PATH, cluster: name });
      for (let i = 0; i < 2; i++) {
        expect((await post('fragile')).statusCode).toBe(500);
        expect((await post('sturdy')).statusCode).toBe(500);
      }
      await expect(post('fragile')).rejects.toBeInstanceOf(BrokenCircuitError);
      expect((await post('sturdy')).statusCode).toBe(500);
      expect(ups[0]!.counters().requestsByRoute[PATH]).toBe(2);
      expect(ups[1]!.counters().requestsByRoute[PATH]).toBe(3);
    });
  });

  describe('monitoring', () => {
    it("when calls are batched on two clusters, the monitor's batching source merges both batchers", async () => {
      metrics = new MetricsRegistry({ clockResolutionMs: 0 });
      client = createNetworkClient(
        {
          clusters: [cluster('a', ups[0]!), cluster('b', ups[1]!)],
          batching: { maxBatchSize: 4, maxDelayMs: 20 },
        },
        { metrics },
      );
      expect(metrics.batching()).toBeUndefined();
      await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => client!.call('add', [i, 1], { cluster: 'a' })),
        ...Array.from({ length: 2 }, (_, i) => client!.call('add', [i, 2], { cluster: 'b' })),
      ]);
      const merged = metrics.batching()!;
      const perCluster = client.stats().batching;
      expect(merged).toMatchObject({
        batchesSent: perCluster['a']!.batchesSent + perCluster['b']!.batchesSent,
        callsSent: 6,
        compressionRatio: 1,
      });
      expect(merged.meanBatchSize).toBeCloseTo(6 / merged.batchesSent, 12);
      expect(ups[0]!.counters().rpcCalls + ups[1]!.counters().rpcCalls).toBe(6);
    });
  });
});
