import {
  ConnectionError,
  type AgentContext,
  type DeliveryInfo,
  type EventBus,
  type Logger,
  type SarahTask,
} from '@slipstream/contracts';
import type { SarahNetwork } from './SarahNetwork';
import { SarahAgent } from './SarahAgent';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

type TaskHandler = (task: SarahTask, envelope: unknown, delivery: DeliveryInfo) => Promise<void>;

/** A started worker on a fake bus and network; `fail` makes every RPC reject with it. */
async function startWorker(options: { failPublish?: boolean; fail?: Error; hang?: boolean } = {}) {
  const published: { topic: string; payload: unknown }[] = [];
  let handler: TaskHandler | undefined;
  const callSignals: (AbortSignal | undefined)[] = [];
  const bus = {
    source: 'node',
    subscribe: (_topic: string, h: TaskHandler) => {
      handler = h;
      return () => undefined;
    },
    publish: (topic: string, payload: unknown) => {
      if (options.failPublish && topic === 'sarah.task.completed')
        return Promise.reject(new Error('bus down'));
      published.push({ topic, payload });
      return Promise.resolve();
    },
  };
  const network = {
    request: () => Promise.reject(new Error('unused')),
    call: (_method: string, params: unknown, opts: { signal?: AbortSignal }) => {
      callSignals.push(opts.signal);
      if (options.hang) {
        return new Promise((_resolve, reject) =>
          opts.signal?.addEventListener('abort', () => reject(new ConnectionError('aborted'))),
        );
      }
      return options.fail ? Promise.reject(options.fail) : Promise.resolve(params);
    },
  } as unknown as SarahNetwork;
  const lifetime = new AbortController();
  const ctx: AgentContext = {
    bus: bus as unknown as EventBus,
    logger,
    signal: lifetime.signal,
    services: { get: <T>() => network as T, isBound: () => true },
  };
  const agent = new SarahAgent();
  await agent.start(ctx);
  const run = (attempt: number, durable: boolean): Promise<void> =>
    handler!(
      { taskId: 't1', kind: 'aggregate', params: { rpc: [{ method: 'echo', params: [1] }] } },
      {},
      { attempt, durable },
    );
  return { agent, published, run, lifetime, callSignals };
}

describe(SarahAgent, () => {
  describe('.start()', () => {
    it('when a durable task fails retryably with attempts left, rethrows for redelivery and reports nothing (regression: acked)', async () => {
      const { agent, published, run } = await startWorker({
        fail: new ConnectionError('sidecar restarting'),
      });
      await expect(run(1, true)).rejects.toBeInstanceOf(ConnectionError);
      expect(published).toEqual([]);
      expect(agent.health().details).toMatchObject({ failed: 0, completed: 0 });
    });

    it('when the last delivery attempt fails retryably, publishes the failure', async () => {
      const { agent, published, run } = await startWorker({ fail: new ConnectionError('down') });
      await expect(run(5, true)).resolves.toBeUndefined();
      expect(published.map((p) => p.topic)).toEqual(['sarah.task.failed']);
      expect(agent.health().details).toMatchObject({ failed: 1 });
    });

    it('when the task is not durable, publishes a retryable failure at once', async () => {
      const { published, run } = await startWorker({ fail: new ConnectionError('down') });
      await run(1, false);
      expect(published.map((p) => p.topic)).toEqual(['sarah.task.failed']);
    });

    it('when the completion cannot be published, does not also count the task as failed (regression: counted twice)', async () => {
      const { agent, published, run } = await startWorker({ failPublish: true });
      await run(1, false);
      expect(published).toEqual([]);
      expect(agent.health().details).toMatchObject({ completed: 1, failed: 0, processed: 1 });
      await expect(run(1, true)).rejects.toThrow('bus down');
    });

    it('when the orchestrator begins to stop, aborts the calls in flight (regression: stop signal never fired)', async () => {
      const { agent, run, lifetime, callSignals } = await startWorker({ hang: true });
      const task = run(1, false);
      lifetime.abort();
      await task;
      expect(callSignals[0]?.aborted).toBe(true);
      expect(agent.health().details).toMatchObject({ failed: 1, inFlight: 0 });
      await agent.stop();
    });
  });
});
