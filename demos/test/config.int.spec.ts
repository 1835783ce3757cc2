import { createLogger } from '@slipstream/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upstreamSourceOf } from '../src/cli/upstreamSourceOf';
import { DemoEnvironment } from '../src/environment/DemoEnvironment';
import { slipstreamAgents } from '../src/environment/slipstreamAgents';
import type { ScenarioContext, ScenarioResult } from '../src/runner/Scenario';
import { runScenarios } from '../src/runner/runScenarios';
import { SCENARIOS } from '../src/scenarios/SCENARIOS';
import { startPlainUpstream, type PlainUpstream } from './plainUpstream';

jest.setTimeout(120_000);

const servedBy = (plain: PlainUpstream, prefix: string): number =>
  [...plain.requestsByPath].filter(([path]) => path.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);

/**
 * `--config FILE` with plain upstreams that nothing can control: the environment puts a
 * forwarding testkit upstream in front of each, so the scenarios that inject faults, read
 * counters or kill an endpoint still run, and their traffic reaches the plain upstreams.
 */
describe('demo scenarios with --config', () => {
  let dir: string;
  let plain: PlainUpstream[];
  let env: DemoEnvironment;
  let ctx: ScenarioContext;

  beforeAll(async () => {
    plain = await Promise.all([startPlainUpstream(), startPlainUpstream()]);
    dir = await mkdtemp(join(tmpdir(), 'demo-config-'));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ upstreams: [plain[0]!.origin, { url: plain[1]!.origin }] }));
    env = await DemoEnvironment.start({
      upstreams: await upstreamSourceOf({ config }),
      logger: createLogger({ silent: true }),
      agents: (origins) => slipstreamAgents(origins, { workloadRequests: 100 }),
    });
    ctx = env.scenarioContext({
      progress: () => undefined,
      scale: 0.3,
      signal: new AbortController().signal,
    });
  });

  afterAll(async () => {
    await env?.close();
    await Promise.all((plain ?? []).map((p) => p.close()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs scenario `id` through the runner the CLI uses; it must complete and its property hold. */
  const run = async (id: number): Promise<ScenarioResult> => {
    const scenario = SCENARIOS.find((s) => s.id === id);
    const [result] = await runScenarios(scenario ? [scenario] : [], ctx);
    expect(result?.error).toBeUndefined();
    expect(result?.passed ? 'held' : result?.property).toBe('held');
    return result!;
  };

  it('starts five forwarding upstreams in front of the two configured', () => {
    expect(env.upstreams).toHaveLength(5);
    expect(env.upstreams.map((u) => u.origin)).not.toContain(plain[0]!.origin);
  });

  it('1 connection pooling: the pooled requests reach the plain upstream', async () => {
    const r = await run(1);
    expect(r.optimized.upstreamConnections).toBeLessThanOrEqual(8);
    expect(plain[0]!.requestsByPath.get('/pooling')).toBeGreaterThanOrEqual(
      2 * (r.optimized.requests as number),
    );
  });

  it('2 request batching: every call reaches the plain upstream’s /rpc, batched', async () => {
    const before = plain[0]!.rpcCalls;
    const r = await run(2);
    expect(plain[0]!.rpcCalls - before).toBe((r.baseline.calls as number) + (r.optimized.calls as number));
    expect(r.optimized.httpRequests).toBeLessThan(r.baseline.httpRequests as number);
  });

  it('4 failover: a killed forwarder fails over while the plain upstreams keep serving', async () => {
    const r = await run(4);
    expect(r.optimized.tasksFailed).toBe(0);
    expect(servedBy(plain[0]!, '/failover/') + servedBy(plain[1]!, '/failover/')).toBeGreaterThan(0);
  });

  it('5 sticky sessions: keys are told apart by the forwarder that answered, not by the shared real service', async () => {
    const before = servedBy(plain[0]!, '/session') + servedBy(plain[1]!, '/session');
    const r = await run(5);
    expect(r.optimized.movedOthers).toBe(0);
    expect(servedBy(plain[0]!, '/session') + servedBy(plain[1]!, '/session')).toBeGreaterThan(before);
  });

  it('6 circuit breaker: injected 500s never reach the plain upstream; the recovery probes do', async () => {
    const r = await run(6);
    expect(r.optimized.lifecycle).toBe('opened→halfOpen→closed');
    expect(servedBy(plain[0]!, '/breaker/')).toBeGreaterThan(0);
    expect(servedBy(plain[0]!, '/breaker/')).toBeLessThan(
      (r.baseline.tasks as number) + (r.optimized.tasks as number),
    );
  });
});
