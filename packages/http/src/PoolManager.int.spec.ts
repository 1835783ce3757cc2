import {
  ClientClosedError,
  ConfigError,
  ConnectionError,
  MalformedResponseError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
} from '@slipstream/contracts';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { fetch, request } from 'undici';
import { PoolManager } from './PoolManager';

/** Resolves on the next turn of the event loop. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Polls `check` on each event-loop turn until it holds; bounded by `turns` (no wall-clock assert). */
async function eventually(check: () => boolean, turns = 10_000): Promise<boolean> {
  for (let i = 0; i < turns && !check(); i++) await nextTurn();
  return check();
}

describe(PoolManager, () => {
  let up: Upstream;
  let pm: PoolManager;

  beforeAll(async () => {
    up = await startUpstream({ seed: 7, keepAliveTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    await up.close();
  });

  beforeEach(() => {
    up.setBehaviour([]);
    up.setBehaviour({});
    up.resetCounters();
  });

  afterEach(async () => {
    await pm.destroy();
  });

  describe('.request()', () => {
    it('when 5 000 GETs run through a pool of 50, opens at most 50 connections and reuses ≥ 99 %', async () => {
      pm = new PoolManager({ connections: 50 });
      const workers = 50;
      const perWorker = 100;
      const worker = async (): Promise<void> => {
        for (let i = 0; i < perWorker; i++) {
          const res = await pm.request(
            { origin: up.origin, path: '/items', method: 'GET' },
            { timeoutMs: 20_000 },
          );
          expect(res.statusCode).toBe(200);
        }
      };
      await Promise.all(Array.from({ length: workers }, worker));
      const [stats] = pm.stats(up.origin);
      expect(up.counters().connectionsAccepted).toBeLessThanOrEqual(50);
      expect(stats!.requests).toBe(5_000);
      expect(stats!.connectionsCreated).toBe(up.counters().connectionsAccepted);
      expect(stats!.reuseRate).toBeGreaterThanOrEqual(0.99);
      expect(stats!.connectTimeMeanMs).toBeGreaterThan(0);
      expect(stats!.connectTimeP99Ms).toBeGreaterThanOrEqual(stats!.connectTimeMeanMs);
    });

    describe('when the upstream closed idle keep-alive sockets', () => {
      const warm = async (n: number): Promise<void> => {
        up.setBehaviour({ latencyMs: 50 });
        await Promise.all(
          Array.from({ length: n }, () => pm.request({ origin: up.origin, path: '/warm', method: 'GET' })),
        );
        up.setBehaviour({});
        expect(pm.stats(up.origin)[0]!.connectionsOpen).toBe(n);
      };

      it('replays idempotent GETs once on a fresh connection, with no client-visible error', async () => {
        pm = new PoolManager({ connections: 4 });
        await warm(4);
        up.closeIdleConnections();
        // Sent in the same tick: the client has not yet read the FINs and writes on dead sockets.
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, () =>
            pm.request({ origin: up.origin, path: '/after-pause', method: 'GET' }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      });

      it('surfaces the failure of a POST (not replayed)', async () => {
        pm = new PoolManager({ connections: 1 });
        await warm(1);
        up.closeIdleConnections();
        up.setBehaviour([{ match: { method: 'POST' }, behaviour: { reset: 'beforeHeaders' } }]);
        const err: unknown = await pm
          .request({ origin: up.origin, path: '/orders', method: 'POST', body: '{"n":1}' })
          .catch((e: unknown) => e);
        expect(ConnectionError.is(err)).toBe(true);
        expect((err as ConnectionError).retryable).toBe(false);
        expect(pm.stats(up.origin)[0]!.staleRetries).toBe(0);
        expect(up.counters().requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      });
    });

    it('when maxPending requests wait on a hanging upstream, rejects the next one at once with QueueFullError', async () => {
      pm = new PoolManager({ connections: 1, maxPending: 100, queueTimeoutMs: 60_000 });
      up.setBehaviour({ hang: true });
      const held = Array.from({ length: 101 }, () =>
        pm.request({ origin: up.origin, path: '/hang', method: 'GET' }).catch((e: unknown) => e),
      );
      await up.waitForInFlight(1);
      for (let i = 0; i < 1_000; i++) {
        let settled: unknown;
        pm.request({ origin: up.origin, path: '/hang', method: 'GET' }).catch((e: unknown) => (settled = e));
        await Promise.resolve();
        await Promise.resolve();
        expect(QueueFullError.is(settled)).toBe(true);
      }
      // Bounded: 1 on the wire, 100 queued, whatever was refused was never kept.
      expect(pm.stats(up.origin)[0]).toMatchObject({ queued: 100, running: 1, pending: 0 });
      await pm.destroy();
      const errors = await Promise.all(held);
      expect(errors.every((e) => ClientClosedError.is(e))).toBe(true);
    });

    it('when the deadline passes on a hanging upstream, rejects with RequestTimeoutError and frees the socket', async () => {
      pm = new PoolManager({ connections: 2 });
      up.setBehaviour({ hang: true });
      const err = await pm
        .request({ origin: up.origin, path: '/hang', method: 'GET' }, { timeoutMs: 200 })
        .catch((e: unknown) => e);
      expect(RequestTimeoutError.is(err)).toBe(true);
      expect(pm.stats(up.origin)[0]).toMatchObject({ pending: 0, queued: 0 });
      expect(
        await eventually(() => pm.stats(up.origin)[0]!.running === 0 && up.counters().inFlight === 0),
      ).toBe(true);
    });

    it('when the caller aborts, rejects with RequestAbortedError and frees the queue slot', async () => {
      pm = new PoolManager({ connections: 1, maxPending: 1 });
      up.setBehaviour({ hang: true });
      const first = new AbortController();
      const second = new AbortController();
      const onWire = pm.request({ origin: up.origin, path: '/a', method: 'GET' }, { signal: first.signal });
      const queued = pm.request({ origin: up.origin, path: '/b', method: 'GET' }, { signal: second.signal });
      await up.waitForInFlight(1);
      expect(pm.stats(up.origin)[0]!.queued).toBe(1);
      second.abort();
      expect(RequestAbortedError.is(await queued.catch((e: unknown) => e))).toBe(true);
      expect(pm.stats(up.origin)[0]!.queued).toBe(0);
      first.abort();
      expect(RequestAbortedError.is(await onWire.catch((e: unknown) => e))).toBe(true);
      expect(
        await eventually(() => pm.stats(up.origin)[0]!.running === 0 && up.counters().inFlight === 0),
      ).toBe(true);
    });

    it('when the origin is not an http origin, rejects with ConfigError', async () => {
      pm = new PoolManager();
      const err = await pm.request({ origin: 'ftp://x', path: '/', method: 'GET' }).catch((e: unknown) => e);
      expect(ConfigError.is(err)).toBe(true);
    });
  });

  describe('compression', () => {
    it('when the origin accepts gzip, sends a 64 KiB JSON body compressed and measures the ratio', async () => {
      pm = new PoolManager({ origins: { [up.origin]: { requestCompression: 'gzip' } } });
      const body = JSON.stringify({
        items: Array.from({ length: 2_000 }, (_, i) => ({ id: i, name: `item-${i}` })),
      });
      const padded = body.slice(0, -1) + ',"pad":"' + 'x'.repeat(65_536 - body.length - 9) + '"}';
      expect(Buffer.byteLength(padded)).toBe(65_536);
      const res = await pm.request({
        origin: up.origin,
        path: '/ingest',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: padded,
      });
      expect(res.statusCode).toBe(200);
      const seen = up.counters().requests.at(-1)!;
      expect(seen.contentEncoding).toBe('gzip');
      expect(seen.bytesInDecoded).toBe(65_536);
      expect(seen.bytesInWire).toBeLessThan(65_536);
      const stats = pm.stats(up.origin)[0]!;
      expect(stats.bytesOutLogical).toBe(seen.bytesInDecoded);
      expect(stats.bytesOutWire).toBe(seen.bytesInWire);
      expect(stats.bytesOutWire / stats.bytesOutLogical).toBe(seen.bytesInWire / seen.bytesInDecoded);
    });

    it('when a request asks for gzip on an origin without compression, sends that body compressed and reports its bytes', async () => {
      pm = new PoolManager();
      const body = 'z'.repeat(8_192);
      const res = await pm.request(
        { origin: up.origin, path: '/ingest', method: 'POST', body },
        { compression: 'gzip' },
      );
      const seen = up.counters().requests.at(-1)!;
      expect(seen.contentEncoding).toBe('gzip');
      expect(seen.bytesInDecoded).toBe(8_192);
      expect(res.bytesOutLogical).toBe(8_192);
      expect(res.bytesOutWire).toBe(seen.bytesInWire);
      expect(res.bytesOutWire).toBeLessThan(8_192);
      await pm.request({ origin: up.origin, path: '/ingest', method: 'POST', body });
      expect(up.counters().requests.at(-1)!.contentEncoding).toBe('identity');
    });

    it('when a request names an unknown compression, rejects with ConfigError naming it', async () => {
      pm = new PoolManager();
      const err = await pm
        .request(
          { origin: up.origin, path: '/ingest', method: 'POST', body: 'x' },
          { compression: 'zstd' as 'gzip' },
        )
        .catch((e: unknown) => e);
      expect(ConfigError.is(err)).toBe(true);
      expect(String(err)).toMatch(/compression/);
    });

    it('when the origin is not configured for it, sends the body as is', async () => {
      pm = new PoolManager();
      await pm.request({ origin: up.origin, path: '/ingest', method: 'POST', body: 'y'.repeat(4_096) });
      expect(up.counters().requests.at(-1)!.contentEncoding).toBe('identity');
    });

    it.each(['gzip', 'br', 'deflate'] as const)(
      'when the upstream answers %s, decodes it transparently',
      async (enc) => {
        pm = new PoolManager();
        up.setBehaviour({ compress: enc, bodySize: 8_192 });
        const res = await pm.request({ origin: up.origin, path: '/big', method: 'GET' });
        expect(res.headers['content-encoding']).toBeUndefined();
        expect(res.json()).toBeDefined();
        const seen = up.counters().requests.at(-1)!;
        const stats = pm.stats(up.origin)[0]!;
        expect(stats.bytesInWire).toBe(seen.bytesOutWire);
        expect(stats.bytesInLogical).toBe(seen.bytesOutLogical);
        expect(res.bytesInWire).toBe(seen.bytesOutWire);
        expect(res.bytesInLogical).toBe(seen.bytesOutLogical);
      },
    );

    it('when the compressed body is corrupt, rejects with MalformedResponseError', async () => {
      pm = new PoolManager();
      up.setBehaviour({ corruptCompression: true });
      const err = await pm
        .request({ origin: up.origin, path: '/bad', method: 'GET' })
        .catch((e: unknown) => e);
      expect(MalformedResponseError.is(err)).toBe(true);
    });
  });

  describe('.asDispatcher()', () => {
    it('serves undici.request and fetch from the same pools and stats', async () => {
      pm = new PoolManager();
      const dispatcher = pm.asDispatcher();
      const res = await request(`${up.origin}/via-request`, { dispatcher });
      expect(res.statusCode).toBe(200);
      await res.body.text();
      const got = await fetch(`${up.origin}/via-fetch`, { dispatcher });
      expect(got.status).toBe(200);
      await got.text();
      expect(pm.stats(up.origin)[0]!.requests).toBe(2);
      expect(pm.stats(up.origin)[0]!.connectionsCreated).toBe(up.counters().connectionsAccepted);
    });
  });

  describe('.close()', () => {
    it('lets in-flight requests finish, then refuses new ones', async () => {
      pm = new PoolManager();
      up.setBehaviour({ latencyMs: 100 });
      const inFlight = pm.request({ origin: up.origin, path: '/slow', method: 'GET' });
      await up.waitForInFlight(1);
      await pm.close();
      expect((await inFlight).statusCode).toBe(200);
      const err = await pm
        .request({ origin: up.origin, path: '/late', method: 'GET' })
        .catch((e: unknown) => e);
      expect(ClientClosedError.is(err)).toBe(true);
    });
  });

  describe('.destroy()', () => {
    it('cuts in-flight requests with ClientClosedError', async () => {
      pm = new PoolManager();
      up.setBehaviour({ hang: true });
      const inFlight = pm
        .request({ origin: up.origin, path: '/hang', method: 'GET' })
        .catch((e: unknown) => e);
      await up.waitForInFlight(1);
      await pm.destroy();
      expect(ClientClosedError.is(await inFlight)).toBe(true);
      await nextTurn();
    });
  });
});
