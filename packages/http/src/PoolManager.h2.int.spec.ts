import { ConnectionError, StreamResetError } from '@slipstream/contracts';
import {
  Http2Upstream,
  makeTestCertificates,
  startUpstream,
  type TestCertificates,
} from '@slipstream/testkit';
import { PoolManager } from './PoolManager';

/** Polls `check` on each event-loop turn until it holds; bounded by `turns` (no wall-clock assert). */
async function eventually(check: () => boolean, turns = 100_000): Promise<boolean> {
  for (let i = 0; i < turns && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  return check();
}

describe('PoolManager over HTTP/2', () => {
  let certs: TestCertificates;
  let up: Http2Upstream;
  let pool: PoolManager | undefined;

  beforeAll(async () => {
    certs = makeTestCertificates();
    up = await new Http2Upstream({ cert: certs.server.cert, key: certs.server.key }).start();
  });

  afterEach(async () => {
    await pool?.destroy();
    pool = undefined;
    up.resetCounters();
  });

  afterAll(async () => {
    await up.close();
    certs.remove();
  });

  /** A pool with one connection to `up` speaking `protocol`, 200 streams on it. */
  const h2Pool = (protocol: 'h2' | 'auto'): PoolManager =>
    new PoolManager({
      connections: 1,
      origins: { [up.origin]: { protocol, maxConcurrentStreams: 200, tls: { ca: certs.ca.cert } } },
    });

  const get = (p: PoolManager, path: string): Promise<number> =>
    p.request({ origin: up.origin, method: 'GET', path }).then((r) => r.statusCode);

  it('answers 200 concurrent requests over 1 connection, as concurrent streams', async () => {
    pool = h2Pool('h2');
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => get(pool!, `/s${i}?delay=20`)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(up.counters()).toMatchObject({ connectionsAccepted: 1, requestsServed: 200 });
    expect(up.counters().maxConcurrentStreams).toBeGreaterThan(100);
    expect(pool.stats()[0]).toMatchObject({ protocol: 'h2', connectionsCreated: 1, requests: 200 });
  });

  it("with protocol 'auto', ALPN picks h2 and the pool counts its limit in streams", async () => {
    pool = h2Pool('auto');
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => get(pool!, `/a${i}?delay=20`)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(pool.stats()[0]).toMatchObject({ protocol: 'h2', connectionsCreated: 1 });
    expect(up.counters().maxConcurrentStreams).toBeGreaterThan(100);
  });

  it('a GOAWAY mid-run loses no idempotent request, and the upstream counts at most 2 connections', async () => {
    pool = h2Pool('h2');
    const run = Promise.all(Array.from({ length: 200 }, (_, i) => get(pool!, `/g${i}?delay=50`)));
    // Mid-run: streams are open on the connection, none answered yet.
    expect(await eventually(() => up.counters().maxConcurrentStreams >= 50)).toBe(true);
    up.goaway();
    const statuses = await run;
    expect(pool.stats()[0]?.staleRetries).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(200);
    expect(up.counters().connectionsAccepted).toBeLessThanOrEqual(2);
  });

  it('a GOAWAY under a non-idempotent request fails it with a ConnectionError that is not retryable', async () => {
    pool = h2Pool('h2');
    const post = pool
      .request({ origin: up.origin, method: 'POST', path: '/p?delay=200', body: 'x' })
      .catch((e: unknown) => e);
    expect(await eventually(() => up.counters().maxConcurrentStreams >= 1)).toBe(true);
    up.goaway();
    const err = await post;
    expect(ConnectionError.is(err)).toBe(true);
    expect(err).toMatchObject({ retryable: false });
    expect(pool.stats()[0]?.staleRetries).toBe(0);
  });

  it('maps a stream reset by the upstream to a StreamResetError, retryable for an idempotent request', async () => {
    pool = h2Pool('h2');
    const err = await pool
      .request({ origin: up.origin, method: 'GET', path: '/reset' })
      .catch((e: unknown) => e);
    expect(StreamResetError.is(err)).toBe(true);
    expect(err).toMatchObject({ retryable: true });
    const post = await pool
      .request({ origin: up.origin, method: 'POST', path: '/reset', body: 'x' })
      .catch((e: unknown) => e);
    expect(post).toMatchObject({ code: 'SLIP_ERR_STREAM_RESET', retryable: false });
  });

  it("with protocol 'h2', refuses an upstream that speaks only HTTP/1.1 (no h2 in ALPN) with a ConnectionError", async () => {
    const h1 = await startUpstream({ tls: { cert: certs.server.cert, key: certs.server.key } });
    try {
      pool = new PoolManager({ origins: { [h1.origin]: { protocol: 'h2', tls: { ca: certs.ca.cert } } } });
      const err = await pool
        .request({ origin: h1.origin, method: 'GET', path: '/' })
        .catch((e: unknown) => e);
      expect(ConnectionError.is(err)).toBe(true);
      expect((err as Error).message).toContain("protocol 'h2' requires h2");
      expect(h1.counters().requestsServed).toBe(0);
    } finally {
      await h1.close();
    }
  });
});
