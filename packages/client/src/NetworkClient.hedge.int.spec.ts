import {
  DEFAULT_BALANCER_ALGORITHMS,
  type BalancerAlgorithmRegistry,
  type LoadBalancer,
} from '@slipstream/balancer';
import { RequestTimeoutError, TOKENS } from '@slipstream/contracts';
import { httpModule } from '@slipstream/http';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { Container, ContainerModule } from 'inversify';
import { clientModule } from './clientModule';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';
import type { PipelineStep } from './pipeline/PipelineStep';

const PATH = '/work';
/** Requests an upstream served on `PATH`. */
const routed = (u: Upstream): number => u.counters().requestsByRoute[PATH] ?? 0;

/** Polls `read` (bounded: 200 × 10 ms) until it returns true. */
async function eventually(read: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !read(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return read();
}

describe('NetworkClient (hedging, policy.hedge)', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(2, { seed: 13 });
  });
  afterEach(async () => {
    await client?.destroy();
    client = undefined;
    for (const u of ups) {
      u.setBehaviour({});
      u.resetCounters();
    }
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  const hedged = (hedge: { delayMs: number; maxExtra?: number } | undefined) =>
    createNetworkClient({
      clusters: [
        {
          cluster: 'api',
          algorithm: 'round-robin',
          endpoints: [{ origin: ups[0]!.origin }, { origin: ups[1]!.origin }],
        },
      ],
      routes: [{ id: 'work', match: { path: PATH }, cluster: 'api', policy: hedge ? { hedge } : {} }],
      breaker: { volumeThreshold: 100_000 },
    });

  it('when the first endpoint hangs, the hedge on the other answers, the loser is aborted upstream and its slot freed, and each caller settles once', async () => {
    ups[0]!.setBehaviour({ hang: true });
    client = hedged({ delayMs: 30 });
    const c = client;
    let settled = 0;
    // Round-robin sends the primaries alternately to the hanging and the healthy endpoint.
    const calls = Array.from({ length: 6 }, () =>
      c.request({ path: PATH }).then(
        (r) => {
          settled += 1;
          return r.statusCode;
        },
        (e: unknown) => {
          settled += 1;
          throw e;
        },
      ),
    );
    expect(await Promise.all(calls)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(settled).toBe(6);
    const stats = c.stats();
    expect(stats.hedging.work!.hedges).toBeGreaterThanOrEqual(3);
    expect(stats.hedging.work!.hedgeWins).toBeGreaterThanOrEqual(3);
    // The losers' upstream requests were cut: the hanging endpoint holds none of them any more.
    expect(ups[0]!.counters().requestsReceived).toBeGreaterThanOrEqual(3);
    expect(await eventually(() => ups[0]!.counters().inFlight === 0)).toBe(true);
    expect(ups[0]!.counters().requestsServed).toBe(0);
    // Their slots are free: nothing in flight on either endpoint, and the cancellations were not charged.
    const endpoints = stats.clusters[0]!.endpoints;
    expect(endpoints.map((e) => e.inflight)).toEqual([0, 0]);
    expect(endpoints.map((e) => e.failures)).toEqual([0, 0]);
    expect(await eventually(() => c.stats().pools.every((p) => p.running === 0 && p.pending === 0))).toBe(
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(6);
  });

  it("stream(): when the first endpoint is slow to answer, the hedge's stream wins; the loser is cut upstream and every count ends with the body", async () => {
    ups[0]!.setBehaviour({ latencyMs: 2_000 });
    client = hedged({ delayMs: 30 });
    const c = client;
    let settled = 0;
    const started = performance.now();
    // Round-robin sends the primaries alternately to the slow and the fast endpoint.
    const calls = Array.from({ length: 4 }, async () => {
      const response = await c.stream({ path: PATH });
      const text = await new Response(response.body).text();
      settled += 1;
      return { status: response.statusCode, text };
    });
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const a of answers) expect(JSON.parse(a.text)).toMatchObject({ method: 'GET', path: PATH });
    // Nobody waited for the slow endpoint's 2 s.
    expect(performance.now() - started).toBeLessThan(1_500);
    const stats = c.stats();
    expect(stats.hedging.work!.hedges).toBeGreaterThanOrEqual(2);
    expect(stats.hedging.work!.hedgeWins).toBeGreaterThanOrEqual(2);
    // The losers were cut before their headers: the slow endpoint served none of them.
    expect(await eventually(() => ups[0]!.counters().inFlight === 0)).toBe(true);
    expect(ups[0]!.counters().requestsServed).toBe(0);
    const endpoints = c.stats().clusters[0]!.endpoints;
    expect(endpoints.map((e) => e.inflight)).toEqual([0, 0]);
    expect(endpoints.map((e) => e.failures)).toEqual([0, 0]);
    expect(await eventually(() => c.stats().pools.every((p) => p.running === 0))).toBe(true);
    expect(settled).toBe(4);
  });

  it("stream(): a stream whose headers arrive after another attempt won has its body destroyed and its endpoint's count ended", async () => {
    // The first endpoint answers at once with a body that trickles for seconds, but a step holds
    // its headers back for 150 ms: its hedge on the second endpoint wins, and its stream reaches
    // the hedge step after the win.
    ups[0]!.setBehaviour({ bodySize: 4_000, slowBody: { chunkBytes: 100, intervalMs: 100 } });
    const holdFirst: PipelineStep = {
      name: 'hold-first',
      handle: async (ctx, next) => {
        const response = await next(ctx);
        if (ctx.endpoint === ups[0]!.origin) await new Promise((resolve) => setTimeout(resolve, 150));
        return response;
      },
    };
    client = createNetworkClient(
      {
        clusters: [
          {
            cluster: 'api',
            algorithm: 'round-robin',
            endpoints: [{ origin: ups[0]!.origin }, { origin: ups[1]!.origin }],
          },
        ],
        routes: [{ id: 'work', match: { path: PATH }, cluster: 'api', policy: { hedge: { delayMs: 30 } } }],
        breaker: { volumeThreshold: 100_000 },
      },
      { steps: [holdFirst] },
    );
    const c = client;
    // Two in turn: round-robin puts one primary on the first endpoint.
    for (let i = 0; i < 2; i++) {
      const response = await c.stream({ path: PATH });
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(await new Response(response.body as unknown as ReadableStream).text())).toMatchObject(
        {
          path: PATH,
        },
      );
    }
    // A loaded machine may hedge the other request too (its primary slower than 30 ms).
    expect(c.stats().hedging.work!.hedgeWins).toBeGreaterThanOrEqual(1);
    // The loser's trickling body was destroyed: the first endpoint's response is no longer in flight.
    expect(ups[0]!.counters().requestsReceived).toBeGreaterThanOrEqual(1);
    expect(await eventually(() => ups[0]!.counters().inFlight === 0)).toBe(true);
    const endpoints = c.stats().clusters[0]!.endpoints;
    expect(endpoints.map((e) => e.inflight)).toEqual([0, 0]);
    expect(endpoints.map((e) => e.failures)).toEqual([0, 0]);
    expect(await eventually(() => c.stats().pools.every((p) => p.running === 0))).toBe(true);
  });

  it("stream(): the caller's signal still cuts the body of a stream the hedge won", async () => {
    ups[0]!.setBehaviour({ hang: true });
    ups[1]!.setBehaviour({ bodySize: 4_000, slowBody: { chunkBytes: 100, intervalMs: 100 } });
    client = hedged({ delayMs: 30 });
    const c = client;
    // Round-robin: the first primary goes to the hanging endpoint, its hedge to the trickling one.
    const controller = new AbortController();
    const response = await c.stream({ path: PATH }, { signal: controller.signal });
    expect(c.stats().hedging.work!.hedgeWins).toBe(1);
    const read = new Response(response.body).text();
    controller.abort();
    await expect(read).rejects.toThrow();
    expect(await eventually(() => ups[1]!.counters().inFlight === 0)).toBe(true);
    expect(await eventually(() => c.stats().clusters[0]!.endpoints.every((e) => e.inflight === 0))).toBe(
      true,
    );
    expect(c.stats().clusters[0]!.endpoints.map((e) => e.failures)).toEqual([0, 0]);
  });

  it('stream(): when every hedged attempt answers 503, the last is handed over and the others are dumped', async () => {
    for (const u of ups) u.setBehaviour({ status: 503, latencyMs: 60, bodySize: 200_000 });
    client = createNetworkClient({
      clusters: [
        {
          cluster: 'api',
          algorithm: 'round-robin',
          endpoints: [{ origin: ups[0]!.origin }, { origin: ups[1]!.origin }],
        },
      ],
      routes: [
        { id: 'work', match: { path: PATH }, cluster: 'api', policy: { hedge: { delayMs: 20 }, retries: 0 } },
      ],
      breaker: { volumeThreshold: 100_000 },
    });
    const c = client;
    const response = await c.stream({ path: PATH });
    expect(response.statusCode).toBe(503);
    expect((await new Response(response.body as unknown as ReadableStream).text()).length).toBeGreaterThan(
      100_000,
    );
    expect(c.stats().hedging.work!.hedges).toBe(1);
    expect(routed(ups[0]!) + routed(ups[1]!)).toBe(2);
    // The other 503's body was read and dropped: both upstreams finished, no connection is busy.
    expect(await eventually(() => ups.every((u) => u.counters().inFlight === 0))).toBe(true);
    expect(await eventually(() => c.stats().pools.every((p) => p.running === 0))).toBe(true);
    expect(c.stats().clusters[0]!.endpoints.map((e) => e.inflight)).toEqual([0, 0]);
  });

  it('a request whose hedged attempts all outlast its deadline fails with the deadline the caller set, not what was left of it', async () => {
    for (const u of ups) u.setBehaviour({ latencyMs: 1_000 });
    client = hedged({ delayMs: 100 });
    for (const send of [
      () => client!.request({ path: PATH }, { timeoutMs: 300 }),
      () => client!.stream({ path: PATH }, { timeoutMs: 300 }),
    ]) {
      const err = await send().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as Error).message).toBe("no response within the request's deadline of 300 ms (2 attempts)");
    }
  });

  it('when the policy is off, a request waits for its hanging endpoint (no hedge is sent)', async () => {
    // Both hang, so whichever endpoint the balancer picks first, a hedge would reach the other.
    for (const u of ups) u.setBehaviour({ hang: true });
    client = hedged(undefined);
    const c = client;
    const received = (): number => ups[0]!.counters().requestsReceived + ups[1]!.counters().requestsReceived;
    const controller = new AbortController();
    const pending = c.request({ path: PATH }, { signal: controller.signal });
    // Waits for the request to reach an endpoint (a fixed deadline could expire first on a loaded machine).
    expect(await eventually(() => received() === 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(received()).toBe(1);
    expect(c.stats().hedging).toEqual({});
  });
});

describe('NetworkClient (hedging under retries)', () => {
  let ups: Upstream[];

  beforeAll(async () => {
    ups = await startUpstreams(3, { seed: 17 });
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  it('when a hedged attempt fails on every endpoint it went to, the retry goes to none of them', async () => {
    // A and B answer 503 after 40 ms; C answers at once. The algorithm takes the first candidate,
    // so the primary goes to A, its hedge (after 10 ms) to B, and the retry to the first endpoint
    // neither of them was on.
    ups[0]!.setBehaviour({ status: 503, latencyMs: 40 });
    ups[1]!.setBehaviour({ status: 503, latencyMs: 40 });
    const first: LoadBalancer = { name: 'first', pick: (endpoints) => endpoints[0] };
    const container = new Container();
    await container.load(
      httpModule(),
      clientModule({
        clusters: [
          { cluster: 'api', algorithm: 'round-robin', endpoints: ups.map((u) => ({ origin: u.origin })) },
        ],
        routes: [
          {
            id: 'work',
            match: { path: PATH },
            cluster: 'api',
            policy: { hedge: { delayMs: 10 }, retries: 1 },
          },
        ],
        breaker: { volumeThreshold: 100_000 },
        retry: { baseDelayMs: 1, maxDelayMs: 1 },
      }),
      new ContainerModule(({ rebindSync }) => {
        rebindSync<BalancerAlgorithmRegistry>(TOKENS.BalancerAlgorithms).toConstantValue({
          ...DEFAULT_BALANCER_ALGORITHMS,
          'round-robin': () => first,
        });
      }),
    );
    const client = container.get<NetworkClient>(TOKENS.NetworkClient);
    try {
      expect((await client.request({ path: PATH })).statusCode).toBe(200);
      expect(ups.map(routed)).toEqual([1, 1, 1]);
    } finally {
      await container.unbindAll();
    }
  });
});
