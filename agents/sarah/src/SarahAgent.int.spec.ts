import { TOKENS, type Agent, type EventBus, type TopicPayload } from '@slipstream/contracts';
import { NetworkPerformanceAgent, networkPerformanceModules } from '@slipstream/agent-network-performance';
import { Orchestrator } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { SarahAgent } from './SarahAgent';
import type { SarahNetwork } from './SarahNetwork';
import { sarahModule } from './sarahModule';

type Completed = TopicPayload<'sarah.task.completed'>;
type Failed = TopicPayload<'sarah.task.failed'>;

describe(SarahAgent, () => {
  let upstream: Upstream;
  let orchestrator: Orchestrator;
  let bus: EventBus;
  const workers = [new SarahAgent({ id: 'sarah-1' }), new SarahAgent({ id: 'sarah-2' })];
  const completed: Completed[] = [];
  const failed: Failed[] = [];

  beforeAll(async () => {
    upstream = await startUpstream({ seed: 3 });
    const sidecar = new NetworkPerformanceAgent({
      clusters: [{ cluster: 'api', endpoints: [{ origin: upstream.origin }] }],
      monitoring: { snapshotIntervalMs: 0 },
    });
    const probe: Agent = {
      id: 'probe',
      role: 'test probe',
      capabilities: [],
      start: (ctx) => {
        bus = ctx.bus;
        // The NetworkClient satisfies Sarah's view of it.
        const network: SarahNetwork = ctx.services.get(TOKENS.NetworkClient);
        expect(typeof network.call).toBe('function');
        ctx.bus.subscribe('sarah.task.completed', (p) => void completed.push(p));
        ctx.bus.subscribe('sarah.task.failed', (p) => void failed.push(p));
        return Promise.resolve();
      },
      stop: () => Promise.resolve(),
      health: () => ({ live: true, ready: true }),
    };
    orchestrator = new Orchestrator({ config: { log: { level: 'error' }, nodeId: 'sarah-test' } });
    orchestrator
      .use(...networkPerformanceModules(sidecar), sarahModule(...workers))
      .register(sidecar)
      .register(probe);
    for (const worker of workers) orchestrator.register(worker);
    await orchestrator.start();
  });

  afterAll(async () => {
    await orchestrator.stop();
    await upstream.close();
  });

  async function until(predicate: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(predicate()).toBe(true);
  }

  describe('.start()', () => {
    it('when tasks arrive, the workers share them and publish completions with timings', async () => {
      const tasks = 20;
      for (let i = 0; i < tasks; i++) {
        await bus.publish('sarah.task', {
          taskId: `agg-${i}`,
          kind: 'aggregate',
          priority: i % 2 === 0 ? 'critical' : 'bulk',
          deadline: Date.now() + 30_000,
          params: {
            cluster: 'api',
            gets: ['/users/1', '/orders'],
            rpc: [
              { method: 'add', params: [i, 1] },
              { method: 'echo', params: 'x' },
            ],
          },
        });
      }
      await until(() => completed.length === tasks);
      expect(failed).toHaveLength(0);
      const first = completed.find((c) => c.taskId === 'agg-3')!;
      expect(first.calls).toBe(4);
      expect(first.durationMs).toBeGreaterThan(0);
      expect(first.result).toMatchObject({
        rpc: [
          { method: 'add', result: 4 },
          { method: 'echo', result: 'x' },
        ],
      });
      const byWorker = new Set(completed.map((c) => c.worker));
      expect(byWorker.size).toBe(2);
      const processed = workers.map((w) => (w.health().details as { processed: number }).processed);
      expect(processed.reduce((a, b) => a + b, 0)).toBe(tasks);
    });

    it('when a task is malformed or late, publishes a typed failure', async () => {
      await bus.publish('sarah.task', { taskId: 'bad', kind: 'aggregate', params: { gets: [42] } } as never);
      await bus.publish('sarah.task', {
        taskId: 'late',
        kind: 'aggregate',
        deadline: 1,
        params: { gets: ['/'] },
      });
      await until(() => failed.length === 2);
      const codes = Object.fromEntries(failed.map((f) => [f.taskId, f.error.code]));
      expect(codes).toEqual({ bad: 'SLIP_ERR_CONFIG', late: 'SLIP_ERR_TIMEOUT' });
    });
  });
});
