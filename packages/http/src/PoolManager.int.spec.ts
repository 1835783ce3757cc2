import {
  ClientClosedError,
  ConfigError,
  ConnectionError,
  MalformedResponseError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
} from '@slipstream/contracts';
import { startUpstream, type RequestRecord, type Upstream } from '@slipstream/testkit';
import { getEventListeners } from 'node:events';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { fetch, request } from 'undici';
import { PoolManager } from './PoolManager';
import { ResponseTooLargeError } from './errors/ResponseTooLargeError';
import type { HttpStreamResponse } from './response/HttpStreamResponse';

const MiB = 1_048_576;

/** Resolves on the next turn of the event loop. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Polls `check` on each event-loop turn until it holds; bounded by `turns` (no wall-clock assert). */
async function eventually(check: () => boolean, turns = 10_000): Promise<boolean> {
  for (let i = 0; i < turns && !check(); i++) await nextTurn();
  return check();
}

/** Reads `body` to its end; the error that ended it, if any, and what was read. */
async function drain(body: Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}

/** The upstream's record of the last request to `path`, once the upstream finished it (bounded polling). */
async function served(up: Upstream, path: string): Promise<RequestRecord> {
  const find = (): RequestRecord | undefined =>
    up
      .counters()
      .requests.filter((r) => r.path === path)
      .at(-1);
  expect(await eventually(() => find() !== undefined)).toBe(true);
  return find()!;
}

/** Waits (bounded) until every byte the upstream sent for `path` has reached `res`, unread. */
async function receivedWhole(up: Upstream, path: string, res: HttpStreamResponse): Promise<void> {
  const seen = await served(up, path);
  expect(await eventually(() => res.bytesInWire === seen.bytesOutWire)).toBe(true);
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

  /** Whether (bounded polling) nothing runs on the pool and nothing is in flight at the upstream. */
  const socketsFreed = (): Promise<boolean> =>
    eventually(() => pm.stats(up.origin)[0]!.running === 0 && up.counters().inFlight === 0);

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

    it('when 10 HEADs run one after another on a pool of one, they keep one connection (undici closes it after a HEAD unless told not to)', async () => {
      pm = new PoolManager({ connections: 1 });
      for (let i = 0; i < 10; i++) {
        const res = await pm.request({ origin: up.origin, path: '/head', method: 'HEAD' });
        expect(res.statusCode).toBe(200);
        expect(res.body.length).toBe(0);
      }
      expect(await eventually(() => up.counters().requestsServed === 10)).toBe(true);
      expect(up.counters()).toMatchObject({ connectionsAccepted: 1, connectionsOpen: 1 });
      expect(pm.stats(up.origin)[0]).toMatchObject({ requests: 10, connectionsCreated: 1, reuseRate: 0.9 });
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

    it('reports how long each request waited for a connection (queuedMs), apart from the upstream’s time', async () => {
      pm = new PoolManager({ connections: 1 });
      up.setBehaviour({ latencyMs: 100 });
      const started = performance.now();
      const [first, second] = await Promise.all([
        pm.request({ origin: up.origin, path: '/first', method: 'GET' }),
        pm.request({ origin: up.origin, path: '/second', method: 'GET' }),
      ]);
      const elapsed = performance.now() - started;
      // The second waited on the one connection for the first's 100 ms; the first waited only to connect.
      expect(first.queuedMs).toBeLessThan(second.queuedMs - 90);
      expect(second.queuedMs).toBeGreaterThanOrEqual(100);
      expect(second.queuedMs).toBeLessThan(elapsed - 100);
      const streamed = pm.stream({ origin: up.origin, path: '/third', method: 'GET' });
      const queued = pm.request({ origin: up.origin, path: '/fourth', method: 'GET' });
      const third = await streamed;
      await drain(third.body);
      expect((await queued).queuedMs).toBeGreaterThanOrEqual(100);
      expect(third.queuedMs).toBeLessThan(100);
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
      expect(await socketsFreed()).toBe(true);
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
      expect(await socketsFreed()).toBe(true);
    });

    it('when a reused signal serves request after request, one listener stays on it, and it still cuts the request in flight', async () => {
      pm = new PoolManager({ connections: 2 });
      const reused = new AbortController();
      const opts = { signal: reused.signal, reusedSignal: true };
      for (let i = 0; i < 3; i++)
        expect((await pm.request({ origin: up.origin, path: '/a', method: 'GET' }, opts)).statusCode).toBe(
          200,
        );
      expect(getEventListeners(reused.signal, 'abort')).toHaveLength(1);
      // Shared by two requests in flight together after all: the second listens on its own, and lets go.
      up.setBehaviour({ hang: true });
      const first = pm.request({ origin: up.origin, path: '/a', method: 'GET' }, opts);
      const second = pm.request({ origin: up.origin, path: '/b', method: 'GET' }, opts);
      await up.waitForInFlight(2);
      expect(getEventListeners(reused.signal, 'abort')).toHaveLength(2);
      reused.abort();
      expect(RequestAbortedError.is(await first.catch((e: unknown) => e))).toBe(true);
      expect(RequestAbortedError.is(await second.catch((e: unknown) => e))).toBe(true);
      expect(getEventListeners(reused.signal, 'abort')).toHaveLength(1);
      expect(await socketsFreed()).toBe(true);
    });

    it('when a signal is not marked reused, no listener stays on it', async () => {
      pm = new PoolManager();
      const signal = new AbortController().signal;
      await pm.request({ origin: up.origin, path: '/a', method: 'GET' }, { signal });
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    });

    it('when the origin is not an http origin, rejects with ConfigError', async () => {
      pm = new PoolManager();
      const err = await pm.request({ origin: 'ftp://x', path: '/', method: 'GET' }).catch((e: unknown) => e);
      expect(ConfigError.is(err)).toBe(true);
    });
  });

  const get = (path: string): { origin: string; path: string; method: string } => ({
    origin: up.origin,
    path,
    method: 'GET',
  });

  describe('.stream()', () => {
    it('when the body is 5 MiB, hands it over chunk by chunk and never holds more than a window of it', async () => {
      pm = new PoolManager({ connections: 1 });
      up.setBehaviour({ bodySize: 5 * MiB });
      const res = await pm.stream(get('/big'));
      expect(res.statusCode).toBe(200);
      let read = 0;
      let chunks = 0;
      let mostAhead = 0;
      for await (const chunk of res.body) {
        read += (chunk as Buffer).length;
        chunks++;
        // Received but not yet read: bounded by backpressure, whatever the machine's speed.
        mostAhead = Math.max(mostAhead, res.bytesInWire - read);
      }
      const seen = await served(up, '/big');
      expect(read).toBe(seen.bytesOutLogical);
      expect(read).toBeGreaterThanOrEqual(5 * MiB);
      expect(chunks).toBeGreaterThan(1);
      expect(mostAhead).toBeLessThan(MiB);
      const stats = pm.stats(up.origin)[0]!;
      expect(stats.bytesInWire).toBe(seen.bytesOutWire);
      expect(stats.bytesInLogical).toBe(read);
      expect(res.bytesInLogical).toBe(read);
    });

    it.each(['HEAD', '204'])(
      'when the body is empty (%s), ends and frees the slot with no reader',
      async (kind) => {
        pm = new PoolManager({ connections: 1 });
        if (kind === '204') up.setBehaviour({ status: 204 });
        const res = await pm.stream({ ...get('/empty'), method: kind === 'HEAD' ? 'HEAD' : 'GET' });
        expect(await res.ended).toBeUndefined();
        expect(pm.stats(up.origin)[0]).toMatchObject({ running: 0 });
        await expect(pm.close()).resolves.toBeUndefined();
      },
    );

    it('credits the origin byte counters when the body is over, not at the headers', async () => {
      pm = new PoolManager();
      up.setBehaviour({ bodySize: 4_096 });
      const res = await pm.stream(get('/small'));
      await receivedWhole(up, '/small', res);
      expect(pm.stats(up.origin)[0]!.bytesInWire).toBe(0);
      const { bytes } = await drain(res.body);
      expect(await res.ended).toBeUndefined();
      expect(pm.stats(up.origin)[0]).toMatchObject({
        bytesInWire: bytes.length,
        bytesInLogical: bytes.length,
      });
    });

    it.each(['gzip', 'br', 'deflate'] as const)(
      'when the upstream answers %s, decodes it as it streams',
      async (enc) => {
        pm = new PoolManager();
        up.setBehaviour({ compress: enc, bodySize: 256 * 1_024 });
        const res = await pm.stream(get('/big'));
        expect(res.headers['content-encoding']).toBeUndefined();
        expect(res.headers['content-length']).toBeUndefined();
        const { bytes, error } = await drain(res.body);
        expect(error).toBeUndefined();
        expect(JSON.parse(bytes.toString('utf8'))).toBeDefined();
        const seen = await served(up, '/big');
        expect(bytes.length).toBe(seen.bytesOutLogical);
        expect(res.bytesInWire).toBe(seen.bytesOutWire);
        expect(res.bytesInWire).toBeLessThan(res.bytesInLogical);
        expect(pm.stats(up.origin)[0]).toMatchObject({
          bytesInWire: seen.bytesOutWire,
          bytesInLogical: seen.bytesOutLogical,
        });
      },
    );

    it('with decode: false, adds no accept-encoding and hands a compressed body over as sent, corrupt or not', async () => {
      pm = new PoolManager();
      up.setBehaviour({ compress: 'gzip', bodySize: 64 * 1_024 });
      const plain = await pm.stream(get('/plain'), { decode: false });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect((await served(up, '/plain')).contentEncoding).toBe('identity');
      await drain(plain.body);
      const asked = { ...get('/asked'), headers: { 'accept-encoding': 'gzip' } };
      const res = await pm.stream(asked, { decode: false });
      expect(res.headers['content-encoding']).toBe('gzip');
      const { bytes, error } = await drain(res.body);
      expect(error).toBeUndefined();
      const seen = await served(up, '/asked');
      expect(bytes.length).toBe(seen.bytesOutWire);
      // The upstream's gzip, byte for byte: it inflates to what the upstream encoded.
      expect(gunzipSync(bytes).length).toBe(seen.bytesOutLogical);
      up.setBehaviour({ corruptCompression: true });
      const corrupt = await drain((await pm.stream(asked, { decode: false })).body);
      expect(corrupt.error).toBeUndefined();
    });

    it('when the compressed body is corrupt, errors the stream with MalformedResponseError', async () => {
      pm = new PoolManager();
      up.setBehaviour({ corruptCompression: true });
      const res = await pm.stream(get('/bad'));
      expect(res.statusCode).toBe(200);
      const { error } = await drain(res.body);
      expect(MalformedResponseError.is(error)).toBe(true);
      expect(await eventually(() => pm.stats(up.origin)[0]!.running === 0)).toBe(true);
    });

    it.each([
      ['decoded', { compress: 'gzip' as const }],
      ['identity', {}],
    ])(
      'when the %s body passes maxResponseSize, errors the stream mid-body with ResponseTooLargeError',
      async (_name, extra) => {
        pm = new PoolManager({ maxResponseSize: 64 * 1_024 });
        up.setBehaviour({ ...extra, bodySize: MiB });
        const res = await pm.stream(get('/huge'));
        expect(res.statusCode).toBe(200);
        const { bytes, error } = await drain(res.body);
        expect(ResponseTooLargeError.is(error)).toBe(true);
        expect(bytes.length).toBeLessThanOrEqual(64 * 1_024);
        expect(await eventually(() => pm.stats(up.origin)[0]!.running === 0)).toBe(true);
      },
    );

    it('when the reader destroys the body, frees the slot and the socket for the next request', async () => {
      pm = new PoolManager({ connections: 1, maxPending: 0 });
      up.setBehaviour({ bodySize: 5 * MiB });
      const res = await pm.stream(get('/big'));
      const first: unknown = await new Promise((resolve) => res.body.once('data', resolve));
      expect(Buffer.isBuffer(first)).toBe(true);
      // The one slot is held while the body is open: nothing may even queue.
      const refused = await pm.request(get('/next')).catch((e: unknown) => e);
      expect(QueueFullError.is(refused)).toBe(true);
      res.body.destroy();
      expect(RequestAbortedError.is(await res.ended)).toBe(true);
      up.setBehaviour({});
      const next = await pm.request(get('/next'));
      expect(next.statusCode).toBe(200);
      expect(await eventually(() => up.counters().inFlight === 0 && up.counters().connectionsOpen <= 1)).toBe(
        true,
      );
      expect(pm.stats(up.origin)[0]).toMatchObject({ running: 0, queued: 0 });
    });

    it('when the caller aborts before the headers, rejects with RequestAbortedError', async () => {
      pm = new PoolManager({ connections: 1 });
      up.setBehaviour({ hang: true });
      const controller = new AbortController();
      const pending = pm.stream(get('/hang'), { signal: controller.signal });
      await up.waitForInFlight(1);
      controller.abort();
      expect(RequestAbortedError.is(await pending.catch((e: unknown) => e))).toBe(true);
      expect(await socketsFreed()).toBe(true);
    });

    it('when the caller aborts after the headers, errors the body with RequestAbortedError and frees the socket', async () => {
      pm = new PoolManager({ connections: 1 });
      up.setBehaviour({ bodySize: 64 * 1_024, slowBody: { chunkBytes: 1_024, intervalMs: 20 } });
      const controller = new AbortController();
      const res = await pm.stream(get('/slow'), { signal: controller.signal });
      await new Promise((resolve) => res.body.once('data', resolve));
      controller.abort();
      const { error } = await drain(res.body);
      expect(RequestAbortedError.is(error)).toBe(true);
      expect(await socketsFreed()).toBe(true);
      up.setBehaviour({});
      expect((await pm.request(get('/next'))).statusCode).toBe(200);
    });

    it('when the body outlasts timeoutMs, still delivers it whole (the deadline covers the headers)', async () => {
      pm = new PoolManager();
      up.setBehaviour({ bodySize: 16 * 1_024, slowBody: { chunkBytes: 1_024, intervalMs: 50 } });
      const res = await pm.stream(get('/slow'), { timeoutMs: 300 });
      const { bytes, error } = await drain(res.body);
      expect(error).toBeUndefined();
      expect(bytes.length).toBe((await served(up, '/slow')).bytesOutLogical);
    });

    it('when kept-alive sockets went stale, replays idempotent streams once with no client-visible error', async () => {
      pm = new PoolManager({ connections: 4 });
      up.setBehaviour({ latencyMs: 50 });
      await Promise.all(Array.from({ length: 4 }, () => pm.request(get('/warm'))));
      up.setBehaviour({});
      up.closeIdleConnections();
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => pm.stream(get('/after-pause'))),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      for (const r of results) {
        const { error } = await drain((r as PromiseFulfilledResult<HttpStreamResponse>).value.body);
        expect(error).toBeUndefined();
      }
    });

    it('when the request asks for gzip, sends its body compressed', async () => {
      pm = new PoolManager();
      const res = await pm.stream(
        { origin: up.origin, path: '/ingest', method: 'POST', body: 'z'.repeat(8_192) },
        { compression: 'gzip' },
      );
      await drain(res.body);
      const seen = await served(up, '/ingest');
      expect(seen.contentEncoding).toBe('gzip');
      expect(res.bytesOutLogical).toBe(8_192);
      expect(res.bytesOutWire).toBe(seen.bytesInWire);
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

    it("when it compresses a body whose caller set its content-length, sends the compressed body's length", async () => {
      pm = new PoolManager();
      const body = 'z'.repeat(8_192);
      const res = await pm.request(
        { origin: up.origin, path: '/ingest', method: 'POST', body, headers: { 'content-length': '8192' } },
        { compression: 'gzip' },
      );
      expect(res.statusCode).toBe(200);
      const seen = up.counters().requests.at(-1)!;
      expect(seen.contentEncoding).toBe('gzip');
      expect(seen.bytesInDecoded).toBe(8_192);
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

    it('with decode: false, hands a compressed body over as sent, content-encoding kept', async () => {
      pm = new PoolManager();
      up.setBehaviour({ compress: 'gzip', bodySize: 8_192 });
      const req = { origin: up.origin, path: '/big', method: 'GET', headers: { 'accept-encoding': 'gzip' } };
      const res = await pm.request(req, { decode: false });
      expect(res.headers['content-encoding']).toBe('gzip');
      const seen = up.counters().requests.at(-1)!;
      expect(res.body.length).toBe(seen.bytesOutWire);
      expect(gunzipSync(res.body).length).toBe(seen.bytesOutLogical);
      expect(seen.bytesOutWire).toBeLessThan(seen.bytesOutLogical);
    });

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

    it('when 10 HEADs go through undici.request one after another on a pool of one, they keep one connection', async () => {
      pm = new PoolManager({ connections: 1 });
      const dispatcher = pm.asDispatcher();
      for (let i = 0; i < 10; i++) {
        const res = await request(`${up.origin}/head`, { method: 'HEAD', dispatcher });
        expect(res.statusCode).toBe(200);
        await res.body.dump();
      }
      expect(await eventually(() => up.counters().requestsServed === 10)).toBe(true);
      expect(up.counters()).toMatchObject({ connectionsAccepted: 1, connectionsOpen: 1 });
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

    it('waits for an open stream to be read to its end', async () => {
      pm = new PoolManager();
      up.setBehaviour({ bodySize: MiB });
      const res = await pm.stream(get('/big'));
      let closed = false;
      const closing = pm.close().then(() => (closed = true));
      for (let i = 0; i < 20; i++) await nextTurn();
      expect(closed).toBe(false);
      const { error } = await drain(res.body);
      expect(error).toBeUndefined();
      await closing;
      expect(closed).toBe(true);
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

    it('cuts open streams with ClientClosedError, also one whose bytes all arrived but were not read', async () => {
      pm = new PoolManager();
      up.setBehaviour({ bodySize: 2_048 });
      const received = await pm.stream(get('/small'));
      await receivedWhole(up, '/small', received);
      up.setBehaviour({ bodySize: 64 * 1_024, slowBody: { chunkBytes: 1_024, intervalMs: 50 } });
      const trickling = await pm.stream(get('/slow'));
      await pm.destroy();
      expect(ClientClosedError.is(await received.ended)).toBe(true);
      expect(ClientClosedError.is(await trickling.ended)).toBe(true);
    });
  });
});
