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
 * wall-clock figure, and runs the scenario again with its feature switched off
 * (`featureOff`), where the property must not hold: a property that holds either way proves
 * nothing about the feature.
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

  const run = async (id: number, featureOff = false): Promise<ScenarioResult> => {
    const [result] = await runScenarios(
      SCENARIOS.filter((s) => s.id === id),
      { ...ctx, featureOff },
    );
    expect(result?.error).toBeUndefined();
    return result!;
  };

  /** Runs scenario `id` with its feature switched off; its property must then not hold. */
  const runOff = async (id: number): Promise<ScenarioResult> => {
    const r = await run(id, true);
    expect(r.passed ? 'held' : 'did not hold').toBe('did not hold');
    return r;
  };

  it('1 connection pooling: pooled requests reuse connections, the upstream sees at most the pool size', async () => {
    const r = await run(1);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.connectionsCreated).toBe(r.baseline.requests);
    expect(r.optimized.connectionsCreated).toBeLessThanOrEqual(8);
    expect(r.optimized.failed).toBe(0);
    expect(r.change.fetchConnections).toBeGreaterThan(0);
    const off = await runOff(1);
    expect(off.optimized.connectionsCreated).toBe(off.optimized.requests);
  });

  it('2 request batching: fewer bytes and requests on the wire, every call answered exactly once', async () => {
    const r = await run(2);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.settledOk).toBe(r.optimized.calls);
    expect(r.optimized.upstreamCalls).toBe(r.optimized.calls);
    expect(r.optimized.wireBytes).toBeLessThan(r.baseline.wireBytes as number);
    expect(r.optimized.wireToLogicalRatio).toBeLessThan(1);
    const off = await runOff(2);
    expect(off.optimized.httpRequests).toBe(off.optimized.calls);
  });

  it('3 load balancing: P2C keeps the slow endpoint under 5 %, round-robin gives it its fifth', async () => {
    const r = await run(3);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.slowShare).toBeLessThan(0.05);
    expect(r.baseline.slowShare).toBeCloseTo(0.2, 1);
    const off = await runOff(3);
    expect(off.optimized.slowShare).toBeGreaterThanOrEqual(0.05);
  });

  it('4 failover: no Sarah task fails when an endpoint is killed mid-run', async () => {
    const r = await run(4);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.tasksFailed).toBe(0);
    expect(r.optimized.tasksCompleted).toBe(r.optimized.tasks);
    expect(r.optimized.settledTwice).toBe(0);
    const off = await runOff(4);
    expect(off.optimized.tasksFailed).toBeGreaterThan(0);
  });

  it('5 sticky sessions: keys stay put and only the removed endpoint’s keys move', async () => {
    const r = await run(5);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.keptAcrossRounds).toBe(r.optimized.keys);
    expect(r.optimized.movedOthers).toBe(0);
    expect(r.optimized.movedFromRemoved).toBe(r.optimized.onRemoved);
    // Keys go in a random order each round, so round-robin cannot look sticky.
    expect(r.baseline.keptAcrossRounds).toBeLessThan(r.baseline.keys as number);
    const off = await runOff(5);
    expect(off.optimized.keptAcrossRounds).toBeLessThan(off.optimized.keys as number);
  });

  it('6 circuit breaker: opened → halfOpen → closed on the bus, fallback served', async () => {
    const r = await run(6);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.lifecycle).toBe('opened→halfOpen→closed');
    expect(r.optimized.fallbacks).toBeGreaterThan(0);
    expect(r.optimized.tasksFailed).toBeLessThanOrEqual(5);
    expect(r.baseline.lifecycle).toBe('');
    expect(r.baseline.tasksFailed).toBe(r.baseline.tasks);
    const off = await runOff(6);
    expect(off.optimized.lifecycle).toBe('');
  });

  it('7 monitoring: the alert fires and resolves exactly once, the score grades the outage, /metrics parses', async () => {
    const r = await run(7);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.alertsFired).toBe(1);
    expect(r.optimized.alertsFired).toBe(1);
    expect(r.optimized.metricsInvalidLines).toBe(0);
    expect(r.baseline.healthScore).toBeGreaterThan(0);
    expect(r.baseline.healthScore).toBeLessThan(r.optimized.healthScore as number);
    const off = await runOff(7);
    expect(off.optimized.alertsFired).toBe(0);
  });

  it('8 QoS: on the same interleaved arrivals critical is never shed with QoS classes while bulk is, and is without them', async () => {
    const r = await run(8);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.optimized.criticalShed).toBe(0);
    expect(r.optimized.criticalServed).toBe(r.optimized.criticalOffered);
    expect(r.optimized.bulkShed).toBeGreaterThan(0);
    expect(r.baseline.criticalShed).toBeGreaterThan(0);
    const off = await runOff(8);
    expect(off.optimized.criticalShed).toBeGreaterThan(0);
  });

  it('9 optimizer loop: a change is applied over the bus, A/B-tested and kept', async () => {
    const r = await run(9);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.baseline.connections).toBe(1);
    expect(r.optimized.connections).toBeGreaterThan(1);
    expect(r.optimized.reverted).toBe(0);
    expect(r.optimized.failedTasks).toBe(0);
    const off = await runOff(9);
    expect(off.optimized.connections).toBe(1);
  });

  it('10 full system: optimize finds the mis-tuned pool and proves its plan by A/B while Sarah completes every task', async () => {
    const r = await run(10);
    expect(r.passed ? 'held' : r.property).toBe('held');
    expect(r.change.verdict).toBe('improved');
    expect(r.change.planned).toBeGreaterThan(0);
    expect(r.optimized.throughput).toBeGreaterThan(r.baseline.throughput as number);
    expect(r.optimized.sarahFailed).toBe(0);
    const off = await runOff(10);
    expect(off.change.verdict).toBe('nothing to change');
  });
});
