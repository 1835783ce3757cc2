import {
  BrokenCircuitError,
  ClientClosedError,
  RequestAbortedError,
  SlipstreamError,
  type BreakerStats,
  type EndpointStats,
} from '@slipstream/contracts';
import { MetricsRegistry } from '@slipstream/monitor';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import type { HttpStreamResponse } from '@slipstream/http';
import { getEventListeners } from 'node:events';
import { fetch, request } from 'undici';
import { recordingBus } from '../test/recordingBus';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

const PATH = '/work';
const MiB = 1_048_576;

/** Whether `check` holds within `turns` event-loop turns (bounded polling, no wall-clock assert). */
async function within(turns: number, check: () => boolean): Promise<boolean> {
  for (let turn = 0; turn < turns; turn++) {
    if (check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return check();
}

/** Whether `check` comes to hold (bounded polling). */
const eventually = (check: () => boolean): Promise<boolean> => within(10_000, check);

/** Reads the body of `res` to its end: what was read and the error that ended it, if any. */
async function readAll(
  res: HttpStreamResponse,
): Promise<{ bytes: Buffer; error: SlipstreamError | undefined }> {
  const chunks: Buffer[] = [];
  res.body.on('data', (chunk: Buffer) => chunks.push(chunk));
  const error = await res.ended;
  return { bytes: Buffer.concat(chunks), error };
}

/** Requests `/work` served by each upstream. */
function served(ups: readonly Upstream[]): number[] {
  return ups.map((u) => u.counters().requestsByRoute[PATH] ?? 0);
}

/** The stats of the one endpoint of a one-upstream client. */
const endpointOf = (c: NetworkClient): EndpointStats => c.stats().clusters[0]!.endpoints[0]!;
/** The breaker of the one endpoint of a one-upstream client, once it has one. */
const breakerOf = (c: NetworkClient): BreakerStats | undefined => c.stats().breakers[0];

/** Reads a fetch body to its end (bounded in chunks): how many bytes. */
async function readFetched(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxChunks: number,
): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < maxChunks; i++) {
    const chunk = await reader.read();
    if (chunk.done) return bytes;
    bytes += chunk.value.length;
  }
  throw new Error(`the body had more than ${maxChunks} chunks`);
}

/** Runs `total` requests with `concurrency` workers; returns how many failed. */
async function load(
  client: NetworkClient,
  total: number,
  concurrency: number,
  method = 'GET',
): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      await client.request({ method, path: PATH, cluster: 'api' }).then(
        (res) => {
          if (res.statusCode >= 500) failed++;
        },
        () => failed++,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

function options(ups: readonly Upstream[], extra: Partial<NetworkClientOptions> = {}): NetworkClientOptions {
  return {
    clusters: [
      {
        cluster: 'api',
        endpoints: ups.map((u) => ({ origin: u.origin })),
        healthCheck: { intervalMs: 60_000 },
      },
    ],
    ...extra,
  };
}

describe('NetworkClient', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(5, { seed: 7 });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    for (const u of ups) {
      await u.restart().catch(() => undefined);
      u.setBehaviour([]);
      u.setBehaviour({});
      u.resetCounters();
    }
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  describe('.request()', () => {
    it('when the cluster is healthy, answers through the pool and counts per endpoint', async () => {
      client = createNetworkClient(options(ups));
      const res = await client.request({ path: PATH, cluster: 'api' });
      expect(res.statusCode).toBe(200);
      expect(served(ups).reduce((a, b) => a + b, 0)).toBe(1);
    });

    it('when one endpoint is 100 ms slower, P2C + peak EWMA sends it < 5 % and round-robin 20 %', async () => {
      ups[4]!.setBehaviour({ latencyMs: 100 });
      client = createNetworkClient(options(ups));
      await load(client, 50, 5);
      for (const u of ups) u.resetCounters();
      expect(await load(client, 400, 5)).toBe(0);
      const p2c = served(ups);
      expect(p2c[4]! / 400).toBeLessThan(0.05);
      await client.close();

      for (const u of ups) u.resetCounters();
      client = createNetworkClient({
        clusters: [{ ...options(ups).clusters[0]!, algorithm: 'round-robin' }],
      });
      expect(await load(client, 400, 5)).toBe(0);
      expect(served(ups).map((n) => n / 400)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    });

    it('when an endpoint dies mid-run under P2C + peak EWMA, idempotent GETs never fail; it is ejected, then takes traffic again', async () => {
      const { bus, events } = recordingBus();
      client = createNetworkClient(
        {
          clusters: [
            {
              cluster: 'api',
              endpoints: ups.map((u) => ({ origin: u.origin })),
              healthCheck: { intervalMs: 100, timeoutMs: 500, healthyThreshold: 2, unhealthyThreshold: 2 },
              outlierDetection: { consecutiveFailures: 5, baseEjectionMs: 300 },
            },
          ],
          breaker: { resetTimeoutMs: 300 },
        },
        { bus },
      );
      expect(await load(client, 100, 5)).toBe(0);
      await ups[2]!.stop();
      expect(await load(client, 200, 5)).toBe(0);
      const dead = (): { failures: number; healthy: boolean } => client!.stats().clusters[0]!.endpoints[2]!;
      // At most 5 failures reach callers' attempts before it leaves rotation (each was retried elsewhere).
      expect(dead().failures).toBeGreaterThan(0);
      expect(dead().failures).toBeLessThanOrEqual(5);
      // Out of rotation: ejected by outlier detection or marked down by health checks. P2C may have
      // stopped picking it before 5 consecutive failures, and 200 GETs can finish before two health
      // checks ran, so wait (bounded: 50 × 100 ms) for one of the two. Read ejections from the events:
      // a 300 ms ejection may already have ended on a slow machine.
      const outOfRotation = (): boolean =>
        !dead().healthy ||
        events.some(
          (e) =>
            e.topic === 'network.endpoint.ejected' &&
            (e.payload as { endpoint: string }).endpoint === ups[2]!.origin,
        );
      for (let round = 0; round < 50 && !outOfRotation(); round++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(outOfRotation()).toBe(true);

      await ups[2]!.restart();
      ups[2]!.resetCounters();
      // Bounded: until the returned endpoint takes traffic again, at most 60 rounds.
      for (let round = 0; round < 60 && served([ups[2]!])[0] === 0; round++) {
        expect(await load(client, 20, 5)).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(served([ups[2]!])[0]).toBeGreaterThan(0);
      const back = client.stats().clusters[0]!.endpoints[2]!;
      expect(back).toMatchObject({ healthy: true, ejected: false });
      // Regression: the 1 s failure penalty kept the returned endpoint out of P2C for tens of seconds.
      expect(back.ewmaMs).toBeLessThan(1_000);
      const ejections = events.filter((e) => e.topic === 'network.endpoint.ejected');
      const restorations = events.filter((e) => e.topic === 'network.endpoint.restored');
      expect(restorations.length).toBe(ejections.length);
    });

    it('when an endpoint keeps failing, its breaker goes closed → open → half-open (one probe) → closed', async () => {
      const { bus, events, next } = recordingBus();
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 500 } }]);
      client = createNetworkClient(options(one, { breaker: { volumeThreshold: 5, resetTimeoutMs: 300 } }), {
        bus,
      });
      const opened = next('network.breaker.opened');
      for (let i = 0; i < 5; i++) {
        expect((await client.request({ method: 'POST', path: PATH, cluster: 'api' })).statusCode).toBe(500);
      }
      await opened;
      const before = served(one)[0];
      await expect(client.request({ method: 'POST', path: PATH, cluster: 'api' })).rejects.toBeInstanceOf(
        BrokenCircuitError,
      );
      expect(served(one)[0]).toBe(before);

      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { latencyMs: 50 } }]);
      await next('network.breaker.halfOpen');
      const closed = next('network.breaker.closed');
      const probes = await Promise.allSettled(
        [0, 1, 2].map(() => client!.request({ method: 'POST', path: PATH, cluster: 'api' })),
      );
      expect(served(one)[0]).toBe(before! + 1);
      expect(probes.filter((p) => p.status === 'fulfilled')).toHaveLength(1);
      expect(probes.filter((p) => p.status === 'rejected' && BrokenCircuitError.is(p.reason))).toHaveLength(
        2,
      );
      await closed;
      expect((await client.request({ method: 'POST', path: PATH, cluster: 'api' })).statusCode).toBe(200);
      expect(events.map((e) => e.topic).filter((t) => t.startsWith('network.breaker.'))).toEqual([
        'network.breaker.opened',
        'network.breaker.halfOpen',
        'network.breaker.closed',
      ]);
    });

    /**
     * A round-robin client of `good` and `bad` without retries, whose breakers open after 5 calls and half-open after
     * `resetTimeoutMs` (outlier ejection kept out of the way); `opened` settles when a breaker opens.
     */
    function roundRobinWithBreakers(
      good: Upstream,
      bad: Upstream,
      resetTimeoutMs: number,
    ): { c: NetworkClient; next: ReturnType<typeof recordingBus>['next']; opened: Promise<unknown> } {
      const { bus, next } = recordingBus();
      client = createNetworkClient(
        {
          clusters: [
            {
              cluster: 'api',
              algorithm: 'round-robin',
              endpoints: [{ origin: good.origin }, { origin: bad.origin }],
              healthCheck: { intervalMs: 60_000 },
              outlierDetection: { consecutiveFailures: 1_000 },
            },
          ],
          breaker: { volumeThreshold: 5, resetTimeoutMs: resetTimeoutMs },
          retry: { maxRetries: 0 },
        },
        { bus },
      );
      return { c: client, next, opened: next('network.breaker.opened') };
    }

    it('regression (issue 14): round-robin leaves an endpoint whose circuit is open out of rotation while another can take the request', async () => {
      const [good, bad] = ups as [Upstream, Upstream];
      // Most of its answers 500: its breaker opens.
      bad.setBehaviour([{ match: { path: PATH }, behaviour: { errorRate: 0.8 } }]);
      const { c, opened } = roundRobinWithBreakers(good, bad, 60_000);
      // No retries: each request is one attempt, on the endpoint round-robin picked.
      for (let i = 0; i < 40; i++) await c.request({ method: 'POST', path: PATH, cluster: 'api' });
      await opened;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, () => c.request({ method: 'POST', path: PATH, cluster: 'api' })),
      );
      // Left in rotation, every other request failed with BrokenCircuitError.
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(outcomes.every((o) => o.status === 'fulfilled' && o.value.statusCode === 200)).toBe(true);
      bad.setBehaviour([]);
    });

    it('regression (issue 14): while a half-open circuit runs its one probe, round-robin sends the other requests elsewhere', async () => {
      const [good, bad] = ups as [Upstream, Upstream];
      bad.setBehaviour([{ match: { path: PATH }, behaviour: { status: 500 } }]);
      const { c, next, opened } = roundRobinWithBreakers(good, bad, 300);
      for (let i = 0; i < 20; i++) await c.request({ method: 'POST', path: PATH, cluster: 'api' });
      await opened;
      // Healed but slow: the probe is still under way while the burst is sent.
      for (const u of [good, bad]) u.setBehaviour([{ match: { path: PATH }, behaviour: { latencyMs: 200 } }]);
      await next('network.breaker.halfOpen');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () => c.request({ method: 'POST', path: PATH, cluster: 'api' })),
      );
      // Left in rotation, all but the probe of those sent to the half-open endpoint failed with BrokenCircuitError.
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      for (const u of [good, bad]) u.setBehaviour([]);
    });

    it('when the circuit is open and a fallback is configured, answers with the fallback', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 500 } }]);
      client = createNetworkClient(
        options(one, { breaker: { volumeThreshold: 2, fallback: { status: 200, body: { cached: true } } } }),
      );
      for (let i = 0; i < 2; i++) await client.request({ method: 'POST', path: PATH, cluster: 'api' });
      const res = await client.request({ method: 'POST', path: PATH, cluster: 'api' });
      expect(res.json()).toEqual({ cached: true });
      expect(served(one)[0]).toBe(2);
    });

    it('when every endpoint answers 503, retries stay within the budget', async () => {
      for (const u of ups) u.setBehaviour([{ match: { path: PATH }, behaviour: { status: 503 } }]);
      client = createNetworkClient(
        options(ups, {
          retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2, budget: { ratio: 0.2, minPerSecond: 10 } },
          breaker: { volumeThreshold: 100_000 },
        }),
      );
      const requests = 200;
      const started = performance.now();
      expect(await load(client, requests, 5)).toBe(requests);
      const seconds = (performance.now() - started) / 1_000;
      const attempts = served(ups).reduce((a, b) => a + b, 0);
      expect(attempts).toBeLessThanOrEqual(Math.ceil(1.2 * requests + 10 * (seconds + 1)));
      expect(attempts).toBeLessThan(requests * 4);
      expect(client.stats().retry.budgetExhausted).toBeGreaterThan(0);
    });
  });

  describe('.stream()', () => {
    it('when the body is 5 MiB, hands it over chunk by chunk; permit, endpoint and record wait for its end, the breaker judged the headers', async () => {
      const metrics = new MetricsRegistry({ clockResolutionMs: 0 });
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { bodySize: 5 * MiB } }]);
      client = createNetworkClient(options(one), { metrics });
      const res = await client.stream({ path: PATH, cluster: 'api' });
      expect(res.statusCode).toBe(200);
      expect(endpointOf(client).inflight).toBe(1);
      expect(breakerOf(client)?.successes).toBe(1);
      expect(metrics.windowTotals().requests).toBe(0);
      let read = 0;
      let mostAhead = 0;
      for await (const chunk of res.body) {
        read += (chunk as Buffer).length;
        // Received but not yet read: bounded by backpressure, whatever the machine's speed.
        mostAhead = Math.max(mostAhead, res.bytesInWire - read);
      }
      expect(read).toBeGreaterThanOrEqual(5 * MiB);
      expect(mostAhead).toBeLessThan(MiB);
      expect(await res.ended).toBeUndefined();
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0)).toBe(true);
      expect(endpointOf(client)).toMatchObject({ inflight: 0, requests: 1, failures: 0 });
      const totals = metrics.windowTotals();
      expect(totals.requests).toBe(1);
      expect(totals.errors).toBe(0);
      metrics.close();
    });

    it('when an endpoint answers 503 at the headers of a GET, dumps that body and retries on another endpoint', async () => {
      const two = ups.slice(0, 2);
      two[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 503 } }]);
      two[1]!.setBehaviour([{ match: { path: PATH }, behaviour: { bodySize: 64 * 1_024 } }]);
      client = createNetworkClient({
        clusters: [{ ...options(two).clusters[0]!, algorithm: 'round-robin' }],
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
        breaker: { volumeThreshold: 100_000 },
      });
      for (let i = 0; i < 6; i++) {
        const res = await client.stream({ path: PATH, cluster: 'api' });
        expect(res.statusCode).toBe(200);
        expect((await readAll(res)).error).toBeUndefined();
      }
      const retries = client.stats().retry.retries;
      expect(retries).toBeGreaterThan(0);
      // Each 503 was read to its end (dumped, its connection kept), none was cut.
      expect(await eventually(() => two[0]!.counters().requestsByStatus['503'] === retries)).toBe(true);
      expect(two[0]!.counters().requests.every((r) => r.outcome === 'served')).toBe(true);
      const c = client;
      expect(await eventually(() => c.stats().pools.every((p) => p.running === 0))).toBe(true);
    });

    it.each([
      ['GET', 3],
      ['POST', 1],
    ])(
      'when every %s attempt answers 503, hands over the last 503 stream (%i attempts)',
      async (method, attempts) => {
        const one = ups.slice(0, 1);
        one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 503 } }]);
        client = createNetworkClient(
          options(one, {
            retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
            breaker: { volumeThreshold: 100_000 },
          }),
        );
        const res = await client.stream({ method, path: PATH, cluster: 'api' });
        expect(res.statusCode).toBe(503);
        const { bytes, error } = await readAll(res);
        expect(error).toBeUndefined();
        expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ path: PATH });
        expect(await eventually(() => one[0]!.counters().requestsByStatus['503'] === attempts)).toBe(true);
      },
    );

    it('when the circuit is open and a fallback is configured, streams the fallback', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { status: 500 } }]);
      client = createNetworkClient(
        options(one, { breaker: { volumeThreshold: 2, fallback: { status: 200, body: { cached: true } } } }),
      );
      for (let i = 0; i < 2; i++)
        await readAll(await client.stream({ method: 'POST', path: PATH, cluster: 'api' }));
      const res = await client.stream({ method: 'POST', path: PATH, cluster: 'api' });
      expect(res.headers['x-slipstream-fallback']).toBe('1');
      expect(JSON.parse((await readAll(res)).bytes.toString('utf8'))).toEqual({ cached: true });
      expect(served(one)[0]).toBe(2);
    });

    it('when the body breaks off after the headers, the reader gets a typed error and the endpoint counts a failure', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([
        { match: { path: PATH }, behaviour: { bodySize: 64 * 1_024, reset: 'afterHeaders' } },
      ]);
      client = createNetworkClient(options(one, { breaker: { volumeThreshold: 100_000 } }));
      const res = await client.stream({ path: PATH, cluster: 'api' });
      expect(res.statusCode).toBe(200);
      const { error } = await readAll(res);
      expect(SlipstreamError.is(error)).toBe(true);
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0)).toBe(true);
      expect(endpointOf(client)).toMatchObject({ inflight: 0, failures: 1 });
      // The breaker judged the headers, which arrived.
      expect(breakerOf(client)).toMatchObject({ successes: 1, failures: 0 });
    });

    it('when the body streams longer than the breaker timeout, it is not cut: the breaker timed the headers', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([
        {
          match: { path: PATH },
          behaviour: { bodySize: 8 * 1_024, slowBody: { chunkBytes: 1_024, intervalMs: 60 } },
        },
      ]);
      client = createNetworkClient(options(one, { breaker: { timeoutMs: 150 } }));
      const res = await client.stream({ path: PATH, cluster: 'api' });
      const { bytes, error } = await readAll(res);
      expect(error).toBeUndefined();
      expect(bytes.length).toBeGreaterThanOrEqual(8 * 1_024);
      expect(breakerOf(client)).toMatchObject({ successes: 1, failures: 0, timeouts: 0 });
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0)).toBe(true);
      expect(endpointOf(client).failures).toBe(0);
    });

    it('when the reader destroys the body, the pool slot, the permit and the endpoint are freed', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: '/big' }, behaviour: { bodySize: 5 * MiB } }]);
      client = createNetworkClient(options(one, { pool: { connections: 1 } }));
      const res = await client.stream({ path: '/big', cluster: 'api' });
      await new Promise((resolve) => res.body.once('data', resolve));
      res.body.destroy();
      expect(RequestAbortedError.is(await res.ended)).toBe(true);
      expect((await client.request({ path: PATH, cluster: 'api' })).statusCode).toBe(200);
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0 && one[0]!.counters().inFlight === 0)).toBe(
        true,
      );
      // The reader's own abort is no failure of the endpoint's.
      expect(endpointOf(client).failures).toBe(0);
      expect(breakerOf(client)?.failures ?? 0).toBe(0);
      expect(client.stats().pools[0]).toMatchObject({ running: 0, queued: 0 });
    });

    it('when the caller aborts before the headers, rejects with RequestAbortedError', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { hang: true } }]);
      client = createNetworkClient(options(one));
      const controller = new AbortController();
      const pending = client.stream({ path: PATH, cluster: 'api' }, { signal: controller.signal });
      await one[0]!.waitForInFlight(1);
      controller.abort();
      expect(RequestAbortedError.is(await pending.catch((e: unknown) => e))).toBe(true);
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0 && one[0]!.counters().inFlight === 0)).toBe(
        true,
      );
    });

    it('when streams share a long-lived caller signal, none leaves a listener on it once its body is over', async () => {
      client = createNetworkClient(options(ups.slice(0, 1)));
      const shared = new AbortController();
      for (let i = 0; i < 5; i++) {
        expect(
          (await readAll(await client.stream({ path: PATH, cluster: 'api' }, { signal: shared.signal })))
            .error,
        ).toBeUndefined();
      }
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    });

    it('when the caller aborts after the headers, errors the body with RequestAbortedError and frees the socket', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([
        {
          match: { path: PATH },
          behaviour: { bodySize: 64 * 1_024, slowBody: { chunkBytes: 1_024, intervalMs: 20 } },
        },
      ]);
      client = createNetworkClient(options(one));
      const controller = new AbortController();
      const res = await client.stream({ path: PATH, cluster: 'api' }, { signal: controller.signal });
      await new Promise((resolve) => res.body.once('data', resolve));
      controller.abort();
      expect(RequestAbortedError.is((await readAll(res)).error)).toBe(true);
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0 && one[0]!.counters().inFlight === 0)).toBe(
        true,
      );
    });

    it('when the client closes, waits for an open stream to be read to its end', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { bodySize: MiB } }]);
      client = createNetworkClient(options(one));
      const res = await client.stream({ path: PATH, cluster: 'api' });
      let closed = false;
      const closing = client.close().then(() => (closed = true));
      expect(await within(20, () => closed)).toBe(false);
      expect((await readAll(res)).error).toBeUndefined();
      await closing;
      expect(closed).toBe(true);
    });

    it('when the client is destroyed, cuts an open stream with ClientClosedError', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { bodySize: MiB } }]);
      client = createNetworkClient(options(one));
      const res = await client.stream({ path: PATH, cluster: 'api' });
      await client.destroy();
      expect(ClientClosedError.is(await res.ended)).toBe(true);
    });
  });

  describe('.close()', () => {
    it('when a request is issued in the tick close() is called, refuses it with ClientClosedError and never sends it; the one in flight still answers', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { latencyMs: 100 } }]);
      client = createNetworkClient(options(one));
      const first = client.request({ path: PATH, cluster: 'api' });
      expect(await eventually(() => one[0]!.counters().inFlight === 1)).toBe(true);
      const closing = client.close();
      const late = client.request({ path: PATH, cluster: 'api' }).then(
        (res) => res.statusCode,
        (err: unknown) => err,
      );
      expect(ClientClosedError.is(await late)).toBe(true);
      expect((await first).statusCode).toBe(200);
      await closing;
      expect(served(one)).toEqual([1]);
      await expect(client.stream({ path: PATH, cluster: 'api' })).rejects.toThrow(ClientClosedError);
    });

    it('when destroy() cuts a close() under way, close() resolves (no raw undici error), and the request in flight is cut', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { latencyMs: 5_000 } }]);
      client = createNetworkClient(options(one));
      const first = client.request({ path: PATH, cluster: 'api' }).catch((err: unknown) => err);
      expect(await eventually(() => one[0]!.counters().inFlight === 1)).toBe(true);
      const closing = client.close();
      await client.destroy();
      await expect(closing).resolves.toBeUndefined();
      expect(await first).toBeInstanceOf(Error);
    });

    it('when calls are queued in a batcher, close() still sends them as a batch but refuses a call made after it', async () => {
      client = createNetworkClient(
        options(ups.slice(0, 1), { batching: { maxBatchSize: 10, maxDelayMs: 10_000 } }),
      );
      const queued = Array.from({ length: 3 }, (_, i) => client!.call('add', [i, 1]));
      const closing = client.close();
      const late = client.call('add', [5, 1]).catch((err: unknown) => err);
      expect(ClientClosedError.is(await late)).toBe(true);
      expect(await Promise.all(queued)).toEqual([1, 2, 3]);
      await closing;
      expect(ups[0]!.counters()).toMatchObject({ rpcBatches: 1, rpcCalls: 3 });
    });
  });

  describe('monitoring', () => {
    it('when requests succeed and fail, the registry counts equal the upstream counters and the outcomes', async () => {
      const metrics = new MetricsRegistry({ clockResolutionMs: 0 });
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([{ match: { path: PATH }, behaviour: { errorRate: 0.3, errorStatus: 500 } }]);
      client = createNetworkClient(options(one, { breaker: { volumeThreshold: 100_000 } }), { metrics });
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) {
        statuses.push((await client.request({ method: 'POST', path: PATH, cluster: 'api' })).statusCode);
      }
      const totals = metrics.windowTotals();
      const upstream = one[0]!.counters();
      expect(totals.requests).toBe(100);
      expect(upstream.requestsByRoute[PATH]).toBe(100);
      const failures = statuses.filter((s) => s === 500).length;
      expect(failures).toBeGreaterThan(0);
      expect(totals.errors).toBe(failures);
      expect(upstream.requestsByStatus['500']).toBe(failures);
      metrics.close();
    });
  });

  describe('.call()', () => {
    it('when calls come together, sends them as one JSON-RPC batch and settles each with its own result', async () => {
      client = createNetworkClient(
        options(ups.slice(0, 1), { batching: { maxBatchSize: 10, maxDelayMs: 20 } }),
      );
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client!.call('add', [i, 1])));
      expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(ups[0]!.counters()).toMatchObject({ rpcBatches: 1, rpcCalls: 10 });
      expect(client.stats().batching['api']).toMatchObject({ batchesSent: 1, callsSent: 10 });
    });
  });

  describe('.asDispatcher()', () => {
    it('when undici.request and fetch use it, they go through the pipeline', async () => {
      client = createNetworkClient(options(ups.slice(0, 2), { retry: { maxRetries: 0 } }));
      const dispatcher = client.asDispatcher();
      const res = await request(`${ups[0]!.origin}${PATH}`, { dispatcher });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ method: 'GET', path: PATH });
      const fetched = await fetch(`http://api${PATH}`, { dispatcher, method: 'POST', body: 'hello' });
      expect(fetched.status).toBe(200);
      expect(await fetched.json()).toMatchObject({ method: 'POST' });
      const stats = client.stats();
      expect(stats.clusters[0]!.endpoints.reduce((n, e) => n + e.requests, 0)).toBe(2);
      expect(served(ups.slice(0, 2)).reduce((a, b) => a + b, 0)).toBe(2);
    });

    it('when fetch reads a 5 MiB slow body, its reader gets the first chunk before the upstream has sent the rest', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([
        {
          match: { path: '/big' },
          behaviour: { bodySize: 5 * MiB, slowBody: { chunkBytes: 64 * 1_024, intervalMs: 10 } },
        },
      ]);
      client = createNetworkClient(options(one));
      const res = await fetch(`${one[0]!.origin}/big`, { dispatcher: client.asDispatcher() });
      expect(res.status).toBe(200);
      const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      // A buffered dispatcher answers only once the whole body arrived: by then the upstream has
      // sent it all and the pipeline has let go of the endpoint.
      expect(one[0]!.counters().requestsByRoute['/big']).toBeUndefined();
      expect(endpointOf(client).inflight).toBe(1);
      expect(first.value!.byteLength + (await readFetched(reader, 10_000))).toBe(5 * MiB);
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0)).toBe(true);
      expect(await eventually(() => one[0]!.counters().requestsByRoute['/big'] === 1)).toBe(true);
      expect(one[0]!.counters().requests.find((r) => r.path === '/big')?.bytesOutWire).toBe(5 * MiB);
    });

    it('when a fetch is aborted mid-body, the body is cut and the permit, the in-flight count and the socket are freed', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([
        {
          match: { path: '/big' },
          behaviour: { bodySize: 5 * MiB, slowBody: { chunkBytes: 64 * 1_024, intervalMs: 10 } },
        },
      ]);
      // One permit: were it kept, the next request could not be admitted.
      client = createNetworkClient(
        options(one, { adaptiveConcurrency: { enabled: false, initialLimit: 1 }, pool: { connections: 1 } }),
      );
      const aborter = new AbortController();
      const res = await fetch(`${one[0]!.origin}/big`, {
        dispatcher: client.asDispatcher(),
        signal: aborter.signal,
      });
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      aborter.abort();
      await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0 && one[0]!.counters().inFlight === 0)).toBe(
        true,
      );
      expect(one[0]!.counters().requestsByRoute['/big']).toBeUndefined();
      // The caller's abort is no failure of the endpoint's.
      expect(endpointOf(client).failures).toBe(0);
      expect(breakerOf(client)?.failures ?? 0).toBe(0);
      expect((await client.request({ path: PATH, cluster: 'api' })).statusCode).toBe(200);
      expect(client.stats().pools[0]).toMatchObject({ running: 0, queued: 0 });
      // close() waits for every request in flight: it resolves once the count is back to 0.
      let closed = false;
      const closing = client.close().then(() => (closed = true));
      expect(await eventually(() => closed)).toBe(true);
      await closing;
      client = undefined;
    });

    it('when the body breaks off after the headers, the body of undici.request errors with a SlipstreamError', async () => {
      const one = ups.slice(0, 1);
      one[0]!.setBehaviour([
        { match: { path: PATH }, behaviour: { bodySize: 64 * 1_024, reset: 'afterHeaders' } },
      ]);
      client = createNetworkClient(options(one, { breaker: { volumeThreshold: 100_000 } }));
      const res = await request(`${one[0]!.origin}${PATH}`, { dispatcher: client.asDispatcher() });
      expect(res.statusCode).toBe(200);
      const error: unknown = await res.body.text().catch((err: unknown) => err);
      expect(SlipstreamError.is(error)).toBe(true);
      const c = client;
      expect(await eventually(() => endpointOf(c).inflight === 0)).toBe(true);
      expect(endpointOf(client).failures).toBe(1);
    });
  });
});
