import { jetstreamManager } from '@nats-io/jetstream';
import {
  BusUnavailableError,
  ConfigError,
  TOKENS,
  type Agent,
  type AgentContext,
  type Envelope,
  type EventBus,
  type Transport,
} from '@slipstream/contracts';
import { Orchestrator, type CoreConfigInput } from '@slipstream/core';
import { ContainerModule } from 'inversify';

import { RecordingLogger } from '../test/RecordingLogger';
import { SHARED_NATS, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { connectNats } from './connectNats';
import { natsTransportModule } from './natsTransportModule';

const suffix = uniqueSuffix();
const namespace = `slipo${suffix}`;
const streamName = `SLIPO_${suffix}`;
const logger = new RecordingLogger();
const orchestrators: Orchestrator[] = [];

/** A test agent; keeps the context it was started with. */
function agent(
  id: string,
  onStart: (ctx: AgentContext) => void = () => undefined,
): Agent & { ctx?: AgentContext } {
  const a: Agent & { ctx?: AgentContext } = {
    id,
    role: 'test',
    capabilities: ['testing'],
    start: (ctx) => {
      a.ctx = ctx;
      onStart(ctx);
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    health: () => ({ live: true, ready: true }),
  };
  return a;
}

/** Records every envelope matching `pattern` from the moment the bus exists. */
function recordEvents(events: Envelope[], pattern: string): ContainerModule {
  return new ContainerModule(({ onActivation }) => {
    onActivation<EventBus>(TOKENS.EventBus, (_ctx, bus) => {
      bus.subscribe(pattern, (_p, env) => void events.push(env));
      return bus;
    });
  });
}

function orchestrator(config: CoreConfigInput): Orchestrator {
  const orch = new Orchestrator({ config, logger }).use(natsTransportModule);
  orchestrators.push(orch);
  return orch;
}

function natsBus(extra: Record<string, unknown> = {}): CoreConfigInput['bus'] {
  return { transport: 'nats', servers: [`nats://${SHARED_NATS}`], namespace, streamName, ...extra };
}

afterAll(async () => {
  await Promise.all(orchestrators.map((o) => o.stop()));
  const nc = await connectNats({ servers: SHARED_NATS });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(streamName).catch(() => false);
  await nc.close();
});

describe(Orchestrator, () => {
  describe('.start()', () => {
    it("when bus.transport is 'nats' and natsTransportModule is loaded, its agents talk over NATS (a durable topic through JetStream) and stop() closes the connection", async () => {
      const seen: string[] = [];
      const nc = await connectNats({ servers: SHARED_NATS });
      const wire = nc.subscribe(`${namespace}.sarah.>`, {
        callback: (_err, msg) => void seen.push(msg.subject),
      });
      const completed: string[] = [];
      const worker = agent('worker', (ctx) => {
        ctx.bus.subscribe(
          'sarah.task',
          async (task, _envelope, delivery) => {
            await ctx.bus.publish('sarah.task.completed', {
              taskId: task.taskId,
              worker: 'worker',
              durationMs: 0,
              calls: 0,
              result: null,
              attempt: delivery.attempt,
            });
          },
          { group: 'workers' },
        );
      });
      const client = agent('client', (ctx) => {
        ctx.bus.subscribe('sarah.task.completed', (p) => void completed.push(p.taskId));
      });
      const orch = orchestrator({
        nodeId: `node-o-${suffix}`,
        bus: natsBus({ name: `node-o-${suffix}`, durableTopics: ['sarah.task'] }),
        discovery: { enabled: false },
      })
        .register(worker)
        .register(client);
      await orch.start();
      const bus = client.ctx!.bus;
      await bus.flush();
      for (let i = 0; i < 5; i += 1) await bus.publish('sarah.task', { taskId: `t${i}`, kind: 'aggregate' });
      await waitFor(() => completed.length === 5);
      await nc.flush();
      expect(seen).toEqual(
        expect.arrayContaining([`${namespace}.sarah.task`, `${namespace}.sarah.task.completed`]),
      );

      const transport = worker.ctx!.services.get<Transport>(TOKENS.Transport);
      expect(transport.name).toBe('nats');
      await orch.stop();
      await expect(
        transport.publish({ id: 'x', topic: 'a.b', source: 's', timestamp: 0, payload: 1 }),
      ).rejects.toBeInstanceOf(BusUnavailableError);
      wire.unsubscribe();
      await nc.close();
    });

    it('when a NATS option is invalid, rejects with a ConfigError naming bus.<field> before any agent starts', async () => {
      const started: string[] = [];
      const orch = orchestrator({ bus: natsBus({ bufferMaxMessages: -1 }) }).register(
        agent('a', () => void started.push('a')),
      );
      const err = await orch.start().catch((e: unknown) => e);
      expect(ConfigError.is(err)).toBe(true);
      expect((err as ConfigError).issues.map((i) => i.path)).toEqual(['bus.bufferMaxMessages']);
      expect(started).toEqual([]);
    });
  });

  describe('discovery', () => {
    it('when two nodes share NATS, each sees the other node and its agents, and a stopped node is reported agent.offline', async () => {
      const discovery = { intervalMs: 200, missed: 2 };
      const eventsA: Envelope[] = [];
      const eventsB: Envelope[] = [];
      const nodeA = `node-a-${suffix}`;
      const nodeB = `node-b-${suffix}`;
      const a = orchestrator({ nodeId: nodeA, bus: natsBus(), discovery })
        .use(recordEvents(eventsA, 'agent.>'))
        .register(agent('alpha'));
      const b = orchestrator({ nodeId: nodeB, bus: natsBus(), discovery })
        .use(recordEvents(eventsB, 'agent.>'))
        .register(agent('beta'));
      await a.start();
      await b.start();
      const registered = (events: Envelope[], node: string): unknown[] =>
        events.filter((e) => e.topic === 'agent.registered' && (e.payload as { node: string }).node === node);
      await waitFor(() => registered(eventsA, nodeB).length > 0 && registered(eventsB, nodeA).length > 0);
      expect(registered(eventsA, nodeB)[0]).toMatchObject({ payload: { agentId: 'beta', node: nodeB } });
      expect(registered(eventsB, nodeA)[0]).toMatchObject({ payload: { agentId: 'alpha', node: nodeA } });
      await waitFor(() => a.peers().some((p) => p.node === nodeB) && b.peers().some((p) => p.node === nodeA));
      expect(a.peers().find((p) => p.node === nodeB)).toMatchObject({ agentIds: ['beta'], online: true });

      await b.stop();
      await waitFor(() => eventsA.some((e) => e.topic === 'agent.offline'), 20_000);
      expect(eventsA.filter((e) => e.topic === 'agent.offline').map((e) => e.payload)).toEqual([
        { node: nodeB, agentIds: ['beta'] },
      ]);
      expect(a.peers().find((p) => p.node === nodeB)?.online).toBe(false);
    }, 60_000);
  });
});
