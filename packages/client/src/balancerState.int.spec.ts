import type { LoadBalancingConfig } from '@slipstream/contracts';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { recordingBus } from '../test/recordingBus';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

const PATH = '/work';
const NO_HEALTH_ENDPOINT = [{ match: { path: '/health' }, behaviour: { status: 404 } }];
const BROKEN = [...NO_HEALTH_ENDPOINT, { match: { path: PATH }, behaviour: { status: 500 } }];

/** Sends `total` POSTs (never retried) with `concurrency` workers; returns how many failed (5xx or error). */
async function load(client: NetworkClient, total: number, concurrency: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      await client.request({ method: 'POST', path: PATH, cluster: 'api', body: 'x' }).then(
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

/** Requests to `PATH` served by each upstream. */
const served = (ups: readonly Upstream[]): number[] =>
  ups.map((u) => u.counters().requestsByRoute[PATH] ?? 0);

/** Waits (bounded: `rounds` × 20 ms) until `check` holds; returns whether it did. */
async function eventually(check: () => boolean, rounds = 250): Promise<boolean> {
  for (let round = 0; round < rounds && !check(); round++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('NetworkClient balancer state (issue #13)', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(3, { seed: 13 });
  });
  beforeEach(() => {
    for (const u of ups) {
      u.setBehaviour(NO_HEALTH_ENDPOINT);
      u.setBehaviour({});
      u.setHealthy(true);
      u.resetCounters();
    }
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  const cluster = (extra: Partial<LoadBalancingConfig> = {}, n = 2): LoadBalancingConfig => ({
    cluster: 'api',
    endpoints: ups.slice(0, n).map((u) => ({ origin: u.origin })),
    algorithm: 'round-robin',
    ...extra,
  });
  const endpointStats = (i: number) => client!.stats().clusters[0]!.endpoints[i]!;

  it('when no health check is configured against an upstream without /health, probes nothing and ejection keeps ≤ 5 % of callers failing (regression 1)', async () => {
    ups[1]!.setBehaviour(BROKEN);
    client = createNetworkClient({ clusters: [cluster()] });
    const failed = await load(client, 200, 4);
    expect(failed / 200).toBeLessThanOrEqual(0.05);
    expect(ups.map((u) => u.counters().requestsByRoute['/health'] ?? 0)).toEqual([0, 0, 0]);
    expect(client.stats().clusters[0]).toMatchObject({ panic: false });
    expect(endpointStats(1)).toMatchObject({ healthy: true, ejected: true });
  });

  it('when a health check is configured, probes its path', async () => {
    ups[0]!.setBehaviour([]);
    client = createNetworkClient({
      clusters: [cluster({ healthCheck: { path: '/health', intervalMs: 60_000, jitter: 0 } })],
    });
    expect(await eventually(() => (ups[0]!.counters().requestsByRoute['/health'] ?? 0) > 0)).toBe(true);
  });

  it('when the same cluster is configured again, an ejected endpoint stays out and every estimate stays (regression 2)', async () => {
    ups[1]!.setBehaviour(BROKEN);
    client = createNetworkClient({ clusters: [cluster()] });
    await load(client, 40, 2);
    expect(endpointStats(1).ejected).toBe(true);
    const [kept, ejected] = [endpointStats(0), endpointStats(1)];

    client.configureCluster(cluster({ slowStartMs: 1 }));
    expect(endpointStats(0)).toEqual(expect.objectContaining({ requests: kept.requests, healthy: true }));
    expect(endpointStats(1)).toEqual(expect.objectContaining({ ejected: true, failures: ejected.failures }));
    expect(await load(client, 20, 2)).toBe(0);
  });

  it('when an endpoint is added, only it starts fresh; a removed one finishes its requests in flight and takes no more', async () => {
    ups[0]!.setBehaviour([{ match: { path: '/slow' }, behaviour: { latencyMs: 200 } }]);
    client = createNetworkClient({ clusters: [cluster({}, 1)] });
    await load(client, 4, 1);
    const slow = client.request({ method: 'POST', path: '/slow', cluster: 'api', body: 'x' });
    await ups[0]!.waitForInFlight(1);

    client.configureCluster({
      ...cluster(),
      endpoints: [{ origin: ups[1]!.origin }, { origin: ups[2]!.origin }],
    });
    expect((await slow).statusCode).toBe(200);
    expect(client.stats().clusters[0]!.endpoints.map((e) => [e.origin, e.requests])).toEqual([
      [ups[1]!.origin, 0],
      [ups[2]!.origin, 0],
    ]);
    ups[0]!.resetCounters();
    expect(await load(client, 10, 2)).toBe(0);
    expect(served(ups)).toEqual([0, 5, 5]);
  });

  it.each(['p2c-peak-ewma', 'least-outstanding', 'random', 'round-robin'] as const)(
    'when a session has a sticky header under %s, every request of it goes to one endpoint (regression 3)',
    async (algorithm) => {
      client = createNetworkClient({
        clusters: [cluster({ algorithm, sticky: { source: 'header', name: 'x-session' } }, 3)],
      });
      for (let i = 0; i < 30; i++) {
        const res = await client.request({ path: PATH, cluster: 'api', headers: { 'x-session': 's1' } });
        expect(res.statusCode).toBe(200);
      }
      expect(served(ups).filter((n) => n > 0)).toEqual([30]);
    },
  );

  it('when the endpoint of a sticky key is ejected, the key is re-picked and then stays on its new endpoint', async () => {
    client = createNetworkClient({
      clusters: [cluster({ algorithm: 'p2c-peak-ewma', outlierDetection: { consecutiveFailures: 1 } }, 3)],
    });
    await client.request({ path: PATH, cluster: 'api' }, { stickyKey: 'k' });
    const first = served(ups).findIndex((n) => n > 0);
    ups[first]!.setBehaviour(BROKEN);
    await client.request({ method: 'POST', path: PATH, cluster: 'api', body: 'x' }, { stickyKey: 'k' });
    expect(endpointStats(first).ejected).toBe(true);
    for (const u of ups) u.resetCounters();
    for (let i = 0; i < 20; i++) await client.request({ path: PATH, cluster: 'api' }, { stickyKey: 'k' });
    const after = served(ups);
    expect(after[first]).toBe(0);
    expect(after.filter((n) => n > 0)).toEqual([20]);
  });

  it('reports panic from the endpoints as they are now, with no request routed (regression 4)', async () => {
    client = createNetworkClient({
      clusters: [
        cluster({
          healthCheck: { intervalMs: 20, timeoutMs: 1_000, healthyThreshold: 1, unhealthyThreshold: 1 },
        }),
      ],
    });
    for (const u of ups) u.setBehaviour([]);
    expect(client.stats().clusters[0]!.panic).toBe(false);
    ups[0]!.setHealthy(false);
    ups[1]!.setHealthy(false);
    expect(await eventually(() => client!.stats().clusters[0]!.panic)).toBe(true);
    ups[0]!.setHealthy(true);
    ups[1]!.setHealthy(true);
    expect(await eventually(() => !client!.stats().clusters[0]!.panic)).toBe(true);
    expect(served(ups)).toEqual([0, 0, 0]);
  });

  it('when an ejected endpoint stays in rotation for a decay period after its return, its next ejection is not longer (regression 4)', async () => {
    const { bus, events } = recordingBus();
    const outlierDetection = { consecutiveFailures: 1, baseEjectionMs: 100, multiplierDecayMs: 100 };
    client = createNetworkClient({ clusters: [cluster({ outlierDetection })] }, { bus });
    ups[1]!.setBehaviour(BROKEN);
    const ejections = (): number[] =>
      events
        .filter((e) => e.topic === 'network.endpoint.ejected')
        .map((e) => (e.payload as { durationMs: number }).durationMs);
    const restored = (): number => events.filter((e) => e.topic === 'network.endpoint.restored').length;

    await load(client, 2, 1);
    expect(ejections()).toEqual([100]);
    expect(await eventually(() => restored() === 1)).toBe(true);
    // Back in rotation with no failure for more than one decay period: the multiplier is back to 0.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await load(client, 2, 1);
    expect(ejections()).toEqual([100, 100]);
  });
});
