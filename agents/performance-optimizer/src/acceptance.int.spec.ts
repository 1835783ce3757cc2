import { TOKENS, type Agent, type EventBus, type OptimizerEvent } from '@slipstream/contracts';
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import { SarahAgent } from '@slipstream/agent-sarah';
import { Orchestrator } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { PerformanceOptimizerAgent } from './PerformanceOptimizerAgent';

interface Requester {
  request(req: { path: string; cluster: string }): Promise<unknown>;
}

describe(PerformanceOptimizerAgent, () => {
  let upstream: Upstream;
  let orchestrator: Orchestrator;
  let bus: EventBus;
  let client: Requester;
  const applied: OptimizerEvent[] = [];

  beforeAll(async () => {
    upstream = await startUpstream({ seed: 11, behaviour: { latencyMs: 20 } });
    const sidecar = new NetworkPerformanceAgent({
      clusters: [{ cluster: 'api', endpoints: [{ origin: upstream.origin }] }],
      pool: { connections: 1 },
      monitoring: { snapshotIntervalMs: 250, windowMs: 1_000 },
      workload: { requests: 40, concurrency: 4, maxDurationMs: 20_000 },
    });
    const probe: Agent = {
      id: 'probe',
      role: 'test probe',
      capabilities: [],
      start: (ctx) => {
        bus = ctx.bus;
        client = ctx.services.get(TOKENS.NetworkClient);
        ctx.bus.subscribe('optimizer.applied', (e) => void applied.push(e));
        return Promise.resolve();
      },
      stop: () => Promise.resolve(),
      health: () => ({ live: true, ready: true }),
    };
    orchestrator = new Orchestrator({ config: { log: { level: 'error' }, nodeId: 'acceptance' } });
    orchestrator
      .use(...networkPerformanceModules(sidecar))
      .register(sidecar)
      .register(new SarahAgent())
      .register(new PerformanceOptimizerAgent({ cooldownMs: 60_000, verifySnapshots: 2 }))
      .register(probe);
    await orchestrator.start();
  });

  afterAll(async () => {
    await orchestrator.stop();
    await upstream.close();
  });

  it('when requests queue at a one-connection pool, raises the pool size and keeps it after an A/B that shows it', async () => {
    const deadline = Date.now() + 40_000;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (applied.length === 0 && Date.now() < deadline && sent < 5_000) {
        sent++;
        await client.request({ path: '/', cluster: 'api' }).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const pool = applied.find((e) => e.rule === 'pool-size');
    expect(pool).toBeDefined();
    expect(pool!.after).toBeGreaterThan(pool!.before);
    expect(pool!.comparison).toMatchObject({ verdict: 'improved' });
    expect(pool!.comparison!.low).toBeGreaterThan(1);
    expect(pool!.change.connections).toBeGreaterThan(1);
    // Bounded by the 40 s deadline of the traffic above: 1 s A/A and A/B blocks (a 1 s window).
  }, 60_000);

  it('network.optimize replies with figures measured against the upstream latency', async () => {
    upstream.setBehaviour({ latencyMs: 5 });
    const fast = await bus.request('network.optimize', {}, { timeoutMs: 60_000 });
    upstream.setBehaviour({ latencyMs: 40 });
    const slow = await bus.request('network.optimize', {}, { timeoutMs: 60_000 });
    expect(fast.performanceMetrics.requests).toBeGreaterThanOrEqual(40);
    expect(slow.performanceMetrics.requests).toBeGreaterThanOrEqual(40);
    expect(fast.performanceMetrics.latencyP50).toBeGreaterThanOrEqual(5);
    expect(slow.performanceMetrics.latencyP50).toBeGreaterThanOrEqual(40);
    expect(slow.performanceMetrics).not.toEqual(fast.performanceMetrics);
  });
});
