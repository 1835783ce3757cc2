import type { Agent, BalancerAlgorithm, EventBus, NetworkOptimizationResult } from '@slipstream/contracts';
import { Orchestrator } from '@slipstream/core';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { NetworkPerformanceAgent } from '../NetworkPerformanceAgent';
import type { NetworkPerformanceAgentOptions } from '../NetworkPerformanceAgentOptions';
import { networkPerformanceModules } from '../networkPerformanceModules';
import { PLAN_THRESHOLDS } from './planOptimizations';

const BUS_TIMEOUT = { timeoutMs: 60_000 };

/** Starts a sidecar on `upstreams` (one cluster `api` on `algorithm`) with `options` and hands back its bus; `stop` ends it. */
async function sidecar(
  upstreams: readonly { origin: string }[],
  options: Omit<NetworkPerformanceAgentOptions, 'clusters'>,
  algorithm: BalancerAlgorithm = 'p2c-peak-ewma',
): Promise<{ bus: EventBus; agent: NetworkPerformanceAgent; stop: () => Promise<void> }> {
  const agent = new NetworkPerformanceAgent({
    clusters: [{ cluster: 'api', algorithm, endpoints: upstreams.map((u) => ({ origin: u.origin })) }],
    monitoring: { snapshotIntervalMs: 0 },
    ...options,
  });
  let bus: EventBus | undefined;
  const probe: Agent = {
    id: 'probe',
    role: 'test probe',
    capabilities: [],
    start: (ctx) => {
      bus = ctx.bus;
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    health: () => ({ live: true, ready: true }),
  };
  const orchestrator = new Orchestrator({ config: { log: { level: 'error' }, nodeId: 'optimize-test' } });
  orchestrator
    .use(...networkPerformanceModules(agent))
    .register(agent)
    .register(probe);
  await orchestrator.start();
  return { bus: bus!, agent, stop: () => orchestrator.stop() };
}

/** Every planned change names a measurement that crossed its threshold. */
function motivated(result: NetworkOptimizationResult): boolean {
  return result.plan.every(({ motivation: m }) =>
    m.comparator === '≥' ? m.value >= m.threshold : m.value < m.threshold,
  );
}

describe('network.optimize', () => {
  let upstreams: Upstream[];

  beforeAll(async () => {
    upstreams = await startUpstreams(2, { seed: 5, behaviour: { latencyMs: 2 } });
  });

  afterAll(async () => {
    await Promise.all(upstreams.map((u) => u.close()));
  });

  it('A/A: 20 runs on a well-tuned system give at most 1 `improved` and apply nothing unmotivated', async () => {
    // Round-robin over identical endpoints: the spread rule could fire on noise here, P2C never.
    const { bus, agent, stop } = await sidecar(
      upstreams,
      { pool: { connections: 16 }, workload: { requests: 200, concurrency: 8, maxDurationMs: 10_000 } },
      'round-robin',
    );
    try {
      const results: NetworkOptimizationResult[] = [];
      for (let i = 0; i < 20; i++) results.push(await bus.request('network.optimize', {}, BUS_TIMEOUT));
      expect(results.filter((r) => r.verdict === 'improved').length).toBeLessThanOrEqual(1);
      expect(results.every(motivated)).toBe(true);
      expect(results.every((r) => r.plan.length > 0 || (!r.applied && r.blocks.length === 0))).toBe(true);
      expect(results.every((r) => r.measurement.workload.requests >= 200)).toBe(true);
      // Nothing was measured past a threshold, so the settings are the ones it was given.
      expect((await agent.implementConnectionPooling({})).applied.connections).toBe(16);
      expect((await agent.implementLoadBalancing({ cluster: 'api' })).applied.algorithm).toBe('round-robin');
    } finally {
      await stop();
    }
  });

  it("finds a wide latency spread on round-robin from each endpoint's measured answer time", async () => {
    // 3 ms against 300 ms: on a loaded machine the fast endpoint's measured time grows by tens of
    // ms, and the spread must stay past the planner's threshold all the same.
    upstreams[0]!.setBehaviour({ latencyMs: 3 });
    upstreams[1]!.setBehaviour({ latencyMs: 300 });
    const { bus, stop } = await sidecar(
      upstreams,
      { pool: { connections: 16 }, workload: { requests: 80, concurrency: 8, maxDurationMs: 20_000 } },
      'round-robin',
    );
    try {
      const result = await bus.request('network.optimize', {}, BUS_TIMEOUT);
      const slow = result.measurement.endpoints.find((e) => e.origin === upstreams[1]!.origin)!;
      const fast = result.measurement.endpoints.find((e) => e.origin === upstreams[0]!.origin)!;
      expect(slow.latencyMs).toBeGreaterThanOrEqual(300);
      expect(fast.latencyMs).toBeGreaterThanOrEqual(3);
      expect(slow.latencyMs / fast.latencyMs).toBeGreaterThanOrEqual(PLAN_THRESHOLDS.latencySpread);
      const change = result.plan.find((c) => c.setting === 'cluster.api.algorithm');
      expect(change).toMatchObject({ from: 'round-robin', to: 'p2c-peak-ewma' });
      expect(change!.motivation.measurement).toBe('endpoint.latencySpread api');
      expect(change!.motivation.value).toBeCloseTo(slow.latencyMs / fast.latencyMs, 6);
    } finally {
      await stop();
      for (const u of upstreams) u.setBehaviour({ latencyMs: 2 });
    }
  }, 60_000);

  // Upstreams with latency of their own: what one connection costs is waiting, not CPU. With 0 ms
  // upstreams on a 2-core machine the CPU bounds both settings, and a busy machine (CI) makes the
  // honest verdict `no measurable change` (so, at times, with 2 ms); the closing note gives those
  // runs' figures.
  it('finds a one-connection pool under 32 callers from its queueing and proves the gain by A/B (10 ms upstreams)', async () => {
    for (const u of upstreams) u.setBehaviour({ latencyMs: 10 });
    const { bus, agent, stop } = await sidecar(upstreams, {
      pool: { connections: 1 },
      workload: { requests: 96, concurrency: 32, maxDurationMs: 20_000 },
    });
    try {
      const result = await bus.request('network.optimize', {}, BUS_TIMEOUT);
      const change = result.plan.find((c) => c.setting === 'pool.connections');
      expect(change).toMatchObject({ from: 1 });
      expect(change!.motivation.measurement).toMatch(/^pool\.queuedShare /);
      expect(change!.motivation.value).toBeGreaterThanOrEqual(PLAN_THRESHOLDS.queuedShare);
      expect(Number(change!.to)).toBeGreaterThan(1);
      // As one line, so that a failure shows the pairs' figures.
      const { verdict, median, low, high } = result.comparison!;
      expect(`${verdict} ${median} [${low}, ${high}]`).toMatch(/^improved /);
      expect(low).toBeGreaterThan(1);
      expect(result.comparison!.pairs).toBeGreaterThanOrEqual(5);
      expect(result.blocks.filter((b) => b.settings === 'old')).toHaveLength(result.comparison!.pairs);
      expect(result.applied).toBe(true);
      expect((await agent.implementConnectionPooling({})).applied.connections).toBe(change!.to);
    } finally {
      await stop();
      for (const u of upstreams) u.setBehaviour({ latencyMs: 2 });
    }
  }, 60_000);

  it('finds requests shed under a fixed concurrency limit from the shed count, doubles the limit and proves the gain by A/B', async () => {
    for (const u of upstreams) u.setBehaviour({ latencyMs: 10 });
    // A fixed limit of 2 in flight and a 30 ms queue timeout: 32 callers would wait ~150 ms, so
    // most are shed at admission; the pool (16 connections) never fills.
    const { bus, agent, stop } = await sidecar(upstreams, {
      pool: { connections: 16 },
      classes: [{ name: 'standard', priority: 0, queueTimeoutMs: 30 }],
      workload: { requests: 96, concurrency: 32, maxDurationMs: 20_000 },
    });
    try {
      await bus.request('network.routing.configure', {
        adaptiveConcurrency: { enabled: false, initialLimit: 2 },
      });
      const result = await bus.request('network.optimize', {}, BUS_TIMEOUT);
      expect(result.plan).toHaveLength(1);
      const [change] = result.plan;
      expect(change).toMatchObject({ setting: 'routing.adaptiveConcurrency.initialLimit', from: 2, to: 4 });
      expect(change!.motivation.measurement).toBe('qos.shedShare standard');
      expect(change!.motivation.value).toBeGreaterThanOrEqual(PLAN_THRESHOLDS.shedShare);
      expect(result.measurement.qos.find((c) => c.class === 'standard')!.shed).toBeGreaterThan(0);
      expect(result.comparison).toMatchObject({ verdict: 'improved' });
      expect(result.applied).toBe(true);
      const { applied } = await agent.implementAdvancedRouting({});
      expect(applied.adaptiveConcurrency).toMatchObject({ enabled: false, initialLimit: 4 });
    } finally {
      await stop();
    }
  }, 60_000);

  it("waits with a configure command sent during its A/B, so the operator's change is not overwritten by the A/B's undo", async () => {
    for (const u of upstreams) u.setBehaviour({ latencyMs: 10 });
    const { bus, agent, stop } = await sidecar(upstreams, {
      pool: { connections: 1 },
      workload: { requests: 96, concurrency: 32, maxDurationMs: 20_000 },
    });
    try {
      const optimizing = bus.request('network.optimize', {}, BUS_TIMEOUT);
      await new Promise((resolve) => setTimeout(resolve, 500)); // the probe is over, the A/B runs
      const configured = bus.request('network.pooling.configure', { connections: 100 }, BUS_TIMEOUT);
      const result = await optimizing;
      expect(result.blocks.length).toBeGreaterThan(0);
      expect((await configured).applied.connections).toBe(100);
      expect((await agent.implementConnectionPooling({})).applied.connections).toBe(100);
    } finally {
      await stop();
      for (const u of upstreams) u.setBehaviour({ latencyMs: 2 });
    }
  }, 60_000);
});
