import {
  MalformedResponseError,
  OUTCOME_KINDS,
  QueueFullError,
  type RequestTimeoutError,
  type RouteConfig,
} from '@slipstream/contracts';
import { MetricsRegistry } from '@slipstream/monitor';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

const PATH = '/work';

/**
 * Regression tests of issue 12's reproductions: what the outcome classifier charges to an
 * upstream (and what it never does), on real sockets.
 */
describe('NetworkClient (one outcome classifier)', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;
  let metrics: MetricsRegistry | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(2, { seed: 12 });
  });
  afterEach(async () => {
    await client?.destroy();
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

  /**
   * Round-robin over the two upstreams (the second one hangs in the tests that use it), outlier
   * detection after 3 consecutive failures, no breaker in the way, one route with `policy`.
   */
  const hangingPairClient = (policy: NonNullable<RouteConfig['policy']>, metricsRegistry?: MetricsRegistry) =>
    createNetworkClient(
      {
        clusters: [
          {
            cluster: 'api',
            endpoints: [{ origin: ups[0]!.origin }, { origin: ups[1]!.origin }],
            algorithm: 'round-robin',
            outlierDetection: { consecutiveFailures: 3 },
          },
        ],
        routes: [{ id: 'work', match: { path: PATH }, cluster: 'api', policy }],
        breaker: { volumeThreshold: 100_000 },
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
      },
      { metrics: metricsRegistry },
    );

  const endpointState = (c: NetworkClient, origin: string) =>
    c.stats().clusters[0]!.endpoints.find((e) => e.origin === origin)!;

  it('when the pool queue overflows in a burst, the local QueueFullError is never charged to the healthy upstream (repro 1)', async () => {
    ups[0]!.setBehaviour({ latencyMs: 50 });
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
      pool: { connections: 2, maxPending: 2 },
      retry: { maxRetries: 0 },
    });
    const c = client;
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => c.request({ path: PATH, cluster: 'api' })),
    );
    const queueFull = results.filter((r) => r.status === 'rejected' && QueueFullError.is(r.reason)).length;
    const other = results.filter((r) => r.status === 'rejected' && !QueueFullError.is(r.reason));
    expect(queueFull).toBeGreaterThan(0); // the burst did overflow the pool
    expect(other).toEqual([]);
    expect(c.stats().breakers.every((b) => b.state === 'closed' && b.failures === 0)).toBe(true);
    expect(endpointState(c, ups[0]!.origin)).toMatchObject({ ejected: false, failures: 0 });
    expect((await c.request({ path: PATH, cluster: 'api' })).statusCode).toBe(200);
  });

  it('when requests wait for the client’s own pool, that wait is not the upstream’s RTT: the adaptive limit neither cuts nor sheds', async () => {
    ups[0]!.setBehaviour({ latencyMs: 20 });
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
      pool: { connections: 1 },
      retry: { maxRetries: 0 },
    });
    const c = client;
    // One caller first: the limit learns the upstream's 20 ms. Then 20 callers, 10 requests each,
    // on one connection: each waits about 19 × 20 ms for it, which the upstream is not slower by.
    for (let i = 0; i < 30; i++)
      expect((await c.request({ path: PATH, cluster: 'api' })).statusCode).toBe(200);
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let i = 0; i < 10; i++)
          await c.request({ path: PATH, cluster: 'api' }).catch((e: unknown) => failures.push(e));
      }),
    );
    expect(failures).toEqual([]);
    expect(c.stats().routing.concurrencyLimits.api).toBeGreaterThanOrEqual(20);
  });

  it('when an endpoint accepts and never answers, its per-try timeouts are charged to it and outlier detection ejects it (repro 2)', async () => {
    ups[1]!.setBehaviour({ hang: true });
    const c = (client = hangingPairClient({ perTryTimeoutMs: 500 }));
    for (let i = 0; i < 8; i++) expect((await c.request({ path: PATH })).statusCode).toBe(200);
    expect(endpointState(c, ups[1]!.origin)).toMatchObject({ ejected: true });
    expect(endpointState(c, ups[0]!.origin)).toMatchObject({ ejected: false, failures: 0 });
  });

  it('when an endpoint holds requests until the route deadline (no per-try timeout), the timeouts are charged to it: ejected, and counted as errors', async () => {
    ups[1]!.setBehaviour({ hang: true });
    metrics = new MetricsRegistry();
    const c = (client = hangingPairClient({ timeoutMs: 300 }, metrics));
    const ends = await Promise.allSettled(Array.from({ length: 8 }, () => c.request({ path: PATH })));
    const timedOut = ends.filter((e) => e.status === 'rejected').length;
    expect(timedOut).toBeGreaterThanOrEqual(3);
    expect(endpointState(c, ups[1]!.origin)).toMatchObject({ ejected: true });
    expect(endpointState(c, ups[0]!.origin)).toMatchObject({ ejected: false, failures: 0 });
    const perf = metrics.performance('api');
    expect(perf.outcomes).toMatchObject({ upstream_failure: timedOut, success: 8 - timedOut });
    expect(perf.outcomes?.cancelled ?? 0).toBe(0);
    // Ejected, the hanging endpoint takes no more requests.
    for (let i = 0; i < 4; i++) expect((await c.request({ path: PATH })).statusCode).toBe(200);
  });

  it('when requests wait for a connection in the client’s pool until their deadline, those timeouts are local: the healthy endpoint is not charged', async () => {
    ups[0]!.setBehaviour({ latencyMs: 50 });
    metrics = new MetricsRegistry();
    client = createNetworkClient(
      {
        clusters: [
          {
            cluster: 'api',
            endpoints: [{ origin: ups[0]!.origin }],
            outlierDetection: { consecutiveFailures: 3 },
          },
        ],
        routes: [{ id: 'work', match: { path: PATH }, cluster: 'api', policy: { timeoutMs: 120 } }],
        pool: { connections: 1 },
        breaker: { volumeThreshold: 5 },
        retry: { maxRetries: 0 },
      },
      { metrics },
    );
    const c = client;
    const ends = await Promise.allSettled(Array.from({ length: 10 }, () => c.request({ path: PATH })));
    const timedOut = ends.filter((e) => e.status === 'rejected').length;
    expect(timedOut).toBeGreaterThanOrEqual(5);
    // At most the one or two that were on the connection when their time ran out are the endpoint's.
    expect(endpointState(c, ups[0]!.origin)).toMatchObject({ ejected: false });
    expect(endpointState(c, ups[0]!.origin).failures).toBeLessThan(3);
    expect(c.stats().breakers[0]!.state).toBe('closed');
    expect(metrics.performance('api').outcomes?.local_rejection).toBeGreaterThanOrEqual(timedOut - 2);
    expect((await c.request({ path: PATH })).statusCode).toBe(200);
  });

  it('when an endpoint accepts connections and never completes the TLS handshake, its timeouts are its own: charged, ejected', async () => {
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => void sockets.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const origin = `https://127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
    try {
      client = createNetworkClient({
        clusters: [
          {
            cluster: 'api',
            tls: { rejectUnauthorized: false },
            endpoints: [{ origin }],
            outlierDetection: { consecutiveFailures: 3 },
          },
        ],
        routes: [{ id: 'work', match: { path: PATH }, cluster: 'api', policy: { perTryTimeoutMs: 100 } }],
        breaker: { volumeThreshold: 100_000 },
        retry: { maxRetries: 0 },
      });
      const c = client;
      for (let i = 0; i < 3; i++)
        await expect(c.request({ path: PATH })).rejects.toMatchObject({
          code: 'SLIP_ERR_TIMEOUT',
          unsent: false,
          message: `no connection to ${origin} within 100 ms`,
        });
      expect(endpointState(c, origin)).toMatchObject({ ejected: true, failures: 3 });
    } finally {
      await client?.destroy();
      client = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });

  it('when a request’s deadline passes while it waits for admission, it is never sent, a POST included, and nobody is charged', async () => {
    ups[0]!.setBehaviour({ latencyMs: 50 });
    metrics = new MetricsRegistry();
    client = createNetworkClient(
      {
        clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
        routes: [{ id: 'work', match: { path: PATH }, cluster: 'api', policy: { timeoutMs: 120 } }],
        adaptiveConcurrency: { enabled: false, initialLimit: 1 },
        retry: { maxRetries: 0 },
      },
      { metrics },
    );
    const c = client;
    const ends = await Promise.allSettled(
      Array.from({ length: 10 }, () => c.request({ path: PATH, method: 'POST', body: 'x' })),
    );
    const answered = ends.filter((e) => e.status === 'fulfilled').length;
    // The caller is told its request never left the client, in the error and in its JSON form.
    const unsent = ends.flatMap((e) => (e.status === 'rejected' ? [e.reason as RequestTimeoutError] : []));
    expect(unsent.length).toBeGreaterThanOrEqual(7);
    for (const err of unsent.slice(-5)) {
      expect(err).toMatchObject({ code: 'SLIP_ERR_TIMEOUT', unsent: true });
      expect(err.message).toMatch(/^the request's deadline of 120 ms passed while it waited in the client/);
      expect(err.toJSON()).toMatchObject({ code: 'SLIP_ERR_TIMEOUT', unsent: true });
    }
    // One at a time, 50 ms each, within 120 ms: the rest never leave the client.
    await new Promise((resolve) => setTimeout(resolve, 100)); // the one cut on the wire is served by now
    const received = ups[0]!.counters().requestsReceived;
    expect(received).toBeLessThanOrEqual(3);
    expect(metrics.performance('api').outcomes?.cancelled).toBeGreaterThanOrEqual(10 - 3);
    // Only a request on the wire when its time ran out is the endpoint's.
    expect(endpointState(c, ups[0]!.origin).failures).toBeLessThanOrEqual(received - answered);
  });

  it('when callers cancel many calls, they do not dilute the breaker’s error percentage: the circuit still opens on the failures', async () => {
    ups[0]!.setBehaviour([
      { match: { path: '/slow' }, behaviour: { hang: true } },
      { match: { path: PATH }, behaviour: { status: 500 } },
    ]);
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
      // Buckets of 100 ms: the cancelled calls end one or two buckets after the one they were counted in.
      breaker: {
        volumeThreshold: 4,
        errorThresholdPercentage: 50,
        rollingCountTimeoutMs: 2_000,
        rollingCountBuckets: 20,
      },
      retry: { maxRetries: 0 },
    });
    const c = client;
    const aborted = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        c.request({ path: '/slow', cluster: 'api' }, { signal: AbortSignal.timeout(150) }),
      ),
    );
    expect(aborted.every((r) => r.status === 'rejected')).toBe(true);
    for (let i = 0; i < 4; i++)
      expect((await c.request({ path: PATH, cluster: 'api' })).statusCode).toBe(500);
    expect(c.stats().breakers[0]).toMatchObject({ state: 'open', successes: 0, failures: 4 });
  });

  it('when calls are refused by the open circuit, they do not count in its window: once a probe closed it, failures open it again', async () => {
    ups[0]!.setBehaviour({ status: 500 });
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
      breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 200 },
      retry: { maxRetries: 0 },
    });
    const c = client;
    const send = () => c.request({ path: PATH, cluster: 'api' });
    for (let i = 0; i < 4; i++) expect((await send()).statusCode).toBe(500);
    expect(c.stats().breakers[0]!.state).toBe('open');
    for (let i = 0; i < 20; i++)
      await expect(send()).rejects.toMatchObject({ code: 'SLIP_ERR_BROKEN_CIRCUIT' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    ups[0]!.setBehaviour({});
    expect((await send()).statusCode).toBe(200); // the probe closes it
    expect(c.stats().breakers[0]!.state).toBe('closed');
    ups[0]!.setBehaviour({ status: 500 });
    // Then 5 of the window's 6 calls failed and it opens (with the 20 refusals counted, 5 of 26: it stayed closed).
    expect((await send()).statusCode).toBe(500);
    expect(c.stats().breakers[0]!.state).toBe('open');
  });

  it('when the half-open probe is cancelled by its caller, the circuit opens again instead of closing on it', async () => {
    ups[0]!.setBehaviour({ status: 500, latencyMs: 100 });
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
      breaker: { volumeThreshold: 2, resetTimeoutMs: 300 },
      retry: { maxRetries: 0 },
    });
    const c = client;
    const send = (signal?: AbortSignal) => c.request({ path: PATH, cluster: 'api' }, { signal });
    // A cancelled call counts for nothing in the breaker's figures (opossum would count it a success).
    await expect(send(AbortSignal.timeout(20))).rejects.toMatchObject({ code: 'SLIP_ERR_ABORTED' });
    expect(c.stats().breakers[0]).toMatchObject({ state: 'closed', successes: 0, failures: 0 });
    for (let i = 0; i < 3; i++) await send().catch(() => undefined);
    expect(c.stats().breakers[0]).toMatchObject({ state: 'open', successes: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(send(AbortSignal.timeout(20))).rejects.toMatchObject({ code: 'SLIP_ERR_ABORTED' });
    expect(c.stats().breakers[0]).toMatchObject({ state: 'open', successes: 0, closes: 0 });
    // Rejected by the open circuit, before anything is sent.
    await expect(send()).rejects.toMatchObject({ code: 'SLIP_ERR_BROKEN_CIRCUIT' });
  });

  it('when one endpoint hangs, perTryTimeoutMs cuts each attempt and the retry lands elsewhere: 0 of 20 fail (repro 3)', async () => {
    ups[0]!.setBehaviour({ hang: true });
    client = createNetworkClient({
      clusters: [
        {
          cluster: 'api',
          endpoints: [{ origin: ups[0]!.origin }, { origin: ups[1]!.origin }],
        },
      ],
      routes: [
        {
          id: 'work',
          match: { path: PATH },
          cluster: 'api',
          policy: { timeoutMs: 1_000, retries: 2, perTryTimeoutMs: 200 },
        },
      ],
      breaker: { volumeThreshold: 100_000 },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    const c = client;
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => c.request({ path: PATH })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(ups[1]!.counters().requestsByRoute[PATH]).toBe(20);
    expect(ups[0]!.counters().requestsReceived).toBeGreaterThan(0); // the hanging endpoint was tried
    expect(c.stats().retry.retries).toBeGreaterThanOrEqual(ups[0]!.counters().requestsReceived);
  });

  it('when one of two endpoints answers GETs with a corrupt gzip body, each is charged to it and retried on the other: 8 of 8 succeed', async () => {
    const [a, b] = [ups[0]!, ups[1]!];
    a.setBehaviour({ corruptCompression: true });
    client = createNetworkClient({
      clusters: [
        {
          cluster: 'api',
          algorithm: 'round-robin',
          endpoints: [{ origin: a.origin }, { origin: b.origin }],
        },
      ],
      retry: { maxRetries: 2 },
    });
    const c = client;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, async () => (await c.request({ path: PATH, cluster: 'api' })).statusCode),
    ).then((settled) => settled.map((r): unknown => (r.status === 'fulfilled' ? r.value : r.reason)));
    expect(results).toEqual(Array.from({ length: 8 }, () => 200));
    const servedA = a.counters().requestsByRoute[PATH] ?? 0;
    expect(servedA).toBeGreaterThan(0); // A did answer, malformed, and was charged for it
    expect(endpointState(c, a.origin).failures).toBe(servedA);
    expect(endpointState(c, b.origin).failures).toBe(0);
  });

  it('when a POST gets a corrupt gzip body, it fails with a non-retryable MalformedResponseError and is sent once', async () => {
    for (const u of ups) u.setBehaviour({ corruptCompression: true });
    client = createNetworkClient({
      clusters: [
        {
          cluster: 'api',
          algorithm: 'round-robin',
          endpoints: ups.map((u) => ({ origin: u.origin })),
        },
      ],
      retry: { maxRetries: 2 },
    });
    const err: unknown = await client.request({ method: 'POST', path: PATH, cluster: 'api', body: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(MalformedResponseError.is(err)).toBe(true);
    expect((err as MalformedResponseError).retryable).toBe(false);
    expect(ups.map((u) => u.counters().requestsByRoute[PATH] ?? 0).reduce((x, y) => x + y, 0)).toBe(1);
  });

  describe('JSON-RPC batches answered with a malformed 200 body', () => {
    const RPC = '/rpc';
    const batchClient = (retries: number) => {
      metrics = new MetricsRegistry();
      return createNetworkClient(
        {
          clusters: [
            {
              cluster: 'api',
              algorithm: 'round-robin',
              endpoints: ups.map((u) => ({ origin: u.origin })),
              batchPath: RPC,
              outlierDetection: { consecutiveFailures: 100 },
            },
          ],
          batching: { maxBatchSize: 1 },
          breaker: { volumeThreshold: 100_000 },
          retry: { maxRetries: retries, baseDelayMs: 1, maxDelayMs: 2 },
        },
        { metrics },
      );
    };
    const settle = (calls: Promise<unknown>[]): Promise<unknown[]> =>
      Promise.allSettled(calls).then((settled) =>
        settled.map((r): unknown => (r.status === 'fulfilled' ? r.value : r.reason)),
      );
    const breakerOf = (c: NetworkClient, origin: string) =>
      c.stats().breakers.find((b) => b.endpoint === origin)!;
    const upstreamFailures = (origin: string): number =>
      metrics!
        .allSeries()
        .filter((s) => s.labels.endpoint === origin)
        .reduce((n, s) => n + s.outcomes[OUTCOME_KINDS.indexOf('upstream_failure')]!, 0);

    it('when one of two endpoints answers them so, each attempt is charged to it and the idempotent batch retried on the other: 8 of 8 calls succeed', async () => {
      const [a, b] = [ups[0]!, ups[1]!];
      a.setBehaviour({ rpc: { malformed: true } });
      client = batchClient(2);
      const c = client;
      const results = await settle(
        Array.from({ length: 8 }, (_, i) => c.call('echo', { i }, { idempotent: true })),
      );
      expect(results).toEqual(Array.from({ length: 8 }, (_, i) => ({ i })));
      const servedA = a.counters().requestsByRoute[RPC] ?? 0;
      expect(servedA).toBeGreaterThan(0); // A did answer, malformed, and was charged for it
      expect(endpointState(c, a.origin).failures).toBe(servedA);
      expect(breakerOf(c, a.origin)).toMatchObject({ failures: servedA, successes: 0 });
      expect(endpointState(c, b.origin).failures).toBe(0);
      expect(breakerOf(c, b.origin)).toMatchObject({ failures: 0, successes: 8 });
      expect(c.stats().retry.retries).toBe(servedA);
      // Each logical batch succeeded (on B); none is an error.
      expect(metrics!.performance('api')).toMatchObject({ outcomes: { success: 8 }, errorRate: 0 });
    });

    it('when a non-idempotent call is answered so, it fails with a non-retryable MalformedResponseError, is sent once, and counts as an upstream failure of that endpoint', async () => {
      const [a, b] = [ups[0]!, ups[1]!];
      a.setBehaviour({ rpc: { malformed: true } });
      client = batchClient(2);
      const c = client;
      const results = await settle(Array.from({ length: 8 }, (_, i) => c.call('echo', { i })));
      const failed = results.filter((r) => MalformedResponseError.is(r));
      const servedA = a.counters().requestsByRoute[RPC] ?? 0;
      expect(servedA).toBeGreaterThan(0);
      expect(failed).toHaveLength(servedA);
      expect(failed.every((e) => e.retryable === false)).toBe(true);
      expect(results.filter((r) => !MalformedResponseError.is(r))).toHaveLength(8 - servedA);
      expect(servedA + (b.counters().requestsByRoute[RPC] ?? 0)).toBe(8); // none sent twice
      expect(c.stats().retry.retries).toBe(0);
      expect(endpointState(c, a.origin).failures).toBe(servedA);
      expect(breakerOf(c, a.origin)).toMatchObject({ failures: servedA, successes: 0 });
      expect(upstreamFailures(a.origin)).toBe(servedA);
      expect(upstreamFailures(b.origin)).toBe(0);
      expect(metrics!.performance('api')).toMatchObject({
        outcomes: { upstream_failure: servedA, success: 8 - servedA },
        errorRate: servedA / 8,
      });
    });

    it('when an idempotent batch may not be retried (maxRetries 0), the monitor counts its malformed answer as an upstream failure', async () => {
      const a = ups[0]!;
      a.setBehaviour({ rpc: { malformed: true } });
      client = batchClient(0);
      const c = client;
      const results = await settle(
        Array.from({ length: 8 }, (_, i) => c.call('echo', { i }, { idempotent: true })),
      );
      const servedA = a.counters().requestsByRoute[RPC] ?? 0;
      expect(servedA).toBeGreaterThan(0);
      expect(results.filter((r) => MalformedResponseError.is(r))).toHaveLength(servedA);
      expect(upstreamFailures(a.origin)).toBe(servedA);
      expect(metrics!.performance('api').errorRate).toBe(servedA / 8);
    });
  });

  it('when answers are 200, 404 and caller aborts with no upstream failure, the error rate is 0 (repro 6)', async () => {
    ups[0]!.setBehaviour([
      { match: { path: '/missing' }, behaviour: { status: 404 } },
      { match: { path: '/slow' }, behaviour: { hang: true } },
    ]);
    metrics = new MetricsRegistry({ clockResolutionMs: 0 });
    client = createNetworkClient(
      {
        clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
      },
      { metrics },
    );
    const c = client;
    for (let i = 0; i < 80; i++) await c.request({ path: PATH, cluster: 'api' });
    for (let i = 0; i < 20; i++) await c.request({ path: '/missing', cluster: 'api' });
    const aborts = Array.from({ length: 10 }, () => {
      const controller = new AbortController();
      const pending = c.request({ path: '/slow', cluster: 'api' }, { signal: controller.signal });
      setImmediate(() => controller.abort());
      return pending;
    });
    expect((await Promise.allSettled(aborts)).every((r) => r.status === 'rejected')).toBe(true);
    const performance = metrics.performance('api');
    expect(performance.errorRate).toBe(0);
    expect(performance.outcomes).toMatchObject({ success: 80, client_error: 20, cancelled: 10 });
    expect(metrics.health('api').score).toBeGreaterThan(90);
    expect(endpointState(c, ups[0]!.origin)).toMatchObject({ failures: 0, ejected: false });
  });

  it('when a caller names an unknown QoS class, refuses it before it is counted: no outcome, no upstream failure, no label', async () => {
    metrics = new MetricsRegistry({ clockResolutionMs: 0 });
    client = createNetworkClient(
      { clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }] },
      { metrics },
    );
    const c = client;
    for (let i = 0; i < 12; i++) {
      await expect(
        c.request({ path: PATH, cluster: 'api' }, { priority: `bogus-${i}` }),
      ).rejects.toMatchObject({
        code: 'SLIP_ERR_UNKNOWN_QOS_CLASS',
      });
    }
    await c.request({ path: PATH, cluster: 'api' });
    const performance = metrics.performance('api');
    expect(performance.errorRate).toBe(0);
    expect(performance.outcomes).toMatchObject({ success: 1, local_rejection: 0, upstream_failure: 0 });
    expect(performance.requests).toBe(1);
    expect(ups[0]!.counters().requestsReceived).toBe(1);
    expect(c.stats().routing.classes).not.toHaveProperty('bogus-0');
  });
});
