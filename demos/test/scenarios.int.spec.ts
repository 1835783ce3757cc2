import { createLogger } from '@slipstream/core';
import { DemoEnvironment } from '../src/environment/DemoEnvironment';
import { slipstreamAgents } from '../src/environment/slipstreamAgents';
import type { ScenarioContext, ScenarioResult } from '../src/runner/Scenario';
import { runScenarios } from '../src/runner/runScenarios';
import { SCENARIOS } from '../src/scenarios/SCENARIOS';

jest.setTimeout(120_000);

/**
 * Every scenario against testkit upstreams in child processes, with small workloads. Each test
 * asserts the scenario's deterministic property (counts, states, shares, exactly-once), never a
 * wall-clock figure.
 */
describe('demo scenarios', () => {
  let env: DemoEnvironment;
  let ctx: ScenarioContext;

  beforeAll(async () => {
    env = await DemoEnvironment.start({
      logger: createLogger({ silent: true }),
      agents: (origins) => slipstreamAgents(origins, { workloadRequests: 100 }),
    });
    ctx = {
      upstreams: env.upstreams,
      spawnUpstream: () => env.spawnUpstream(),
      bus: env.bus,
      network: env.network,
      progress: () => undefined,
      logger: env.logger,
      scale: 0.3,
      signal: new AbortController().signal,
    };
  });

  afterAll(async () => {
    await env?.close();
  });

  const run = async (id: number): Promise<ScenarioResult> => {
    const [result] = await runScenarios(
      SCENARIOS.filter((s) => s.id === id),
      ctx,
    );
    expect(result?.error).toBeUndefined();
    return result!;
  };

  it('1 connection pooling: pooled requests reuse connections, the upstream sees at most the pool size', async () => {
    const r = await run(1);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.connectionsCreated).toBe(r.baseline.requests);
    expect(r.optimized.connectionsCreated).toBeLessThanOrEqual(8);
    expect(r.optimized.failed).toBe(0);
  });

  it('2 request batching: fewer bytes and requests on the wire, every call answered exactly once', async () => {
    const r = await run(2);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.settledOk).toBe(r.optimized.calls);
    expect(r.optimized.upstreamCalls).toBe(r.optimized.calls);
    expect(r.optimized.wireBytes).toBeLessThan(r.baseline.wireBytes as number);
  });

  it('3 load balancing: P2C keeps the slow endpoint under 5 %, round-robin gives it its fifth', async () => {
    const r = await run(3);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.slowShare).toBeLessThan(0.05);
    expect(r.baseline.slowShare).toBeCloseTo(0.2, 1);
  });

  it('4 failover: no Sarah task fails when an endpoint is killed mid-run', async () => {
    const r = await run(4);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.tasksFailed).toBe(0);
    expect(r.optimized.tasksCompleted).toBe(r.optimized.tasks);
    expect(r.optimized.settledTwice).toBe(0);
  });

  it('5 sticky sessions: keys stay put and only the removed endpoint’s keys move', async () => {
    const r = await run(5);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.keptAcrossRounds).toBe(r.optimized.keys);
    expect(r.optimized.movedOthers).toBe(0);
    expect(r.optimized.movedFromRemoved).toBe(r.optimized.onRemoved);
  });

  it('6 circuit breaker: opened → halfOpen → closed on the bus, fallback served', async () => {
    const r = await run(6);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.lifecycle).toBe('opened→halfOpen→closed');
    expect(r.optimized.fallbacks).toBeGreaterThan(0);
    expect(r.optimized.tasksFailed).toBeLessThanOrEqual(5);
    expect(r.baseline.lifecycle).toBe('');
    expect(r.baseline.tasksFailed).toBe(r.baseline.tasks);
  });

  it('7 monitoring: the alert fires and resolves exactly once, /metrics parses', async () => {
    const r = await run(7);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.alertsFired).toBe(1);
    expect(r.optimized.alertsFired).toBe(1);
    expect(r.optimized.metricsInvalidLines).toBe(0);
  });

  it('8 QoS: the critical class is never shed while bulk is', async () => {
    const r = await run(8);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.criticalShed).toBe(0);
    expect(r.optimized.bulkShed).toBeGreaterThan(0);
  });

  it('9 optimizer loop: a change is applied over the bus, verified and kept', async () => {
    const r = await run(9);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.connections).toBe(1);
    expect(r.optimized.connections).toBeGreaterThan(1);
    expect(r.optimized.reverted).toBe(0);
    expect(r.optimized.failedTasks).toBe(0);
  });

  it('10 full system: optimize and benchmark measured over the bus while Sarah completes every task', async () => {
    const r = await run(10);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.requests).toBeGreaterThan(0);
    expect(r.optimized.requests).toBeGreaterThan(0);
    expect(r.optimized.sarahFailed).toBe(0);
  });
});
