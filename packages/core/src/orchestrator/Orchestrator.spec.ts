import {
  AgentContractError,
  DependencyError,
  DuplicateAgentError,
  TOKENS,
  type Agent,
  type AgentContext,
  type Envelope,
  type EventBus,
} from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import { silentLogger } from '../../test/busContractSuite';
import { InProcessTransport } from '../bus/InProcessTransport';
import type { TransportFactory } from '../bus/TransportFactory';
import { CORE_TOKENS } from '../CORE_TOKENS';
import { Orchestrator } from './Orchestrator';

interface TestAgent extends Agent {
  context?: AgentContext;
}

function agent(id: string, overrides: Partial<Agent> & { log?: string[] } = {}): TestAgent {
  const log = overrides.log ?? [];
  const a: TestAgent = {
    id,
    role: 'test',
    capabilities: ['testing'],
    start: (ctx) => {
      a.context = ctx;
      log.push(`start ${id}`);
      return Promise.resolve();
    },
    stop: () => {
      log.push(`stop ${id}`);
      return Promise.resolve();
    },
    health: () => ({ live: true, ready: true }),
    ...overrides,
  };
  return a;
}

/** A module that records every lifecycle event the bus carries, from the first one. */
function recordEvents(events: Envelope[], pattern = 'agent.>'): ContainerModule {
  return new ContainerModule(({ onActivation }) => {
    onActivation<EventBus>(TOKENS.EventBus, (_ctx, bus) => {
      bus.subscribe(pattern, (_p, env) => void events.push(env));
      return bus;
    });
  });
}

function orchestrator(drainTimeoutMs = 10_000): Orchestrator {
  return new Orchestrator({
    config: { nodeId: 'node-1', orchestrator: { drainTimeoutMs } },
    logger: silentLogger,
  });
}

describe(Orchestrator, () => {
  let orch: Orchestrator;
  afterEach(async () => {
    jest.useRealTimers();
    await orch?.stop();
  });

  describe('.register()', () => {
    it('when the id is taken, throws DuplicateAgentError', () => {
      orch = orchestrator().register(agent('a'));
      expect(() => orch.register(agent('a'))).toThrow(DuplicateAgentError);
    });

    it('when the object violates the Agent contract, throws AgentContractError listing every problem', () => {
      orch = orchestrator();
      const bad = { id: '', role: 1, capabilities: [2], start: () => undefined } as unknown as Agent;
      const err = (() => {
        try {
          orch.register(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(AgentContractError.is(err)).toBe(true);
      expect((err as AgentContractError).problems).toEqual([
        'id must be a non-empty string',
        'role must be a string',
        'capabilities must be an array of strings',
        'stop must be a function',
        'health must be a function',
      ]);
    });

    it('when called after start(), throws', async () => {
      orch = orchestrator();
      await orch.start();
      expect(() => orch.register(agent('late'))).toThrow(/only before start/);
    });
  });

  describe('.start()', () => {
    it('starts agents after the agents they depend on, and publishes registered then started', async () => {
      const log: string[] = [];
      const events: Envelope[] = [];
      orch = orchestrator()
        .use(recordEvents(events))
        .register(agent('c', { log, dependsOn: ['b'] }))
        .register(agent('b', { log, dependsOn: ['a'] }))
        .register(agent('a', { log }));
      await orch.start();
      expect(log).toEqual(['start a', 'start b', 'start c']);
      expect(events.map((e) => `${e.topic} ${(e.payload as { agentId: string }).agentId}`)).toEqual([
        'agent.registered a',
        'agent.registered b',
        'agent.registered c',
        'agent.started a',
        'agent.started b',
        'agent.started c',
      ]);
      expect(events[0]!.payload).toEqual({
        agentId: 'a',
        role: 'test',
        capabilities: ['testing'],
        node: 'node-1',
      });
    });

    it('when dependencies form a cycle, throws DependencyError naming it and starts nothing', async () => {
      const log: string[] = [];
      orch = orchestrator()
        .register(agent('a', { log, dependsOn: ['b'] }))
        .register(agent('b', { log, dependsOn: ['a'] }));
      const err = await orch.start().catch((e: unknown) => e);
      expect(DependencyError.is(err)).toBe(true);
      expect((err as Error).message).toBe('dependency cycle: a -> b -> a');
      expect(log).toEqual([]);
    });

    it('when a dependency is unknown, throws DependencyError', async () => {
      orch = orchestrator().register(agent('a', { dependsOn: ['ghost'] }));
      await expect(orch.start()).rejects.toThrow('agent "a" depends on unknown agent "ghost"');
    });

    it('when an agent fails to start, marks it and its dependants failed and keeps the others running', async () => {
      const events: Envelope[] = [];
      orch = orchestrator()
        .use(recordEvents(events))
        .register(agent('broken', { start: () => Promise.reject(new Error('no port')) }))
        .register(agent('dependant', { dependsOn: ['broken'] }))
        .register(agent('fine'));
      await orch.start();
      const health = await orch.health();
      expect(health).toMatchObject({
        live: true,
        ready: false,
        agents: {
          broken: {
            state: 'failed',
            error: { code: 'SLIP_ERR_AGENT_LIFECYCLE', message: 'agent "broken" failed to start: no port' },
          },
          dependant: {
            state: 'failed',
            error: { message: 'agent "dependant" failed to start: dependency "broken" is not running' },
          },
          fine: { state: 'running', health: { live: true, ready: true } },
        },
      });
      expect(events.filter((e) => e.topic === 'agent.failed').map((e) => e.payload)).toEqual([
        expect.objectContaining({ agentId: 'broken', phase: 'start', node: 'node-1' }),
        expect.objectContaining({ agentId: 'dependant', phase: 'start' }),
      ]);
    });

    it('hands each agent the bus, a resolver over the container and a signal aborted at stop', async () => {
      const a = agent('a');
      orch = orchestrator().register(a);
      await orch.start();
      const ctx = a.context!;
      expect(ctx.services.get(TOKENS.EventBus)).toBe(ctx.bus);
      expect(ctx.services.get(TOKENS.Orchestrator)).toBe(orch);
      expect(ctx.services.isBound(TOKENS.NetworkClient)).toBe(false);
      expect(ctx.signal.aborted).toBe(false);
      await orch.stop();
      expect(ctx.signal.aborted).toBe(true);
    });
  });

  describe('.stop()', () => {
    it('stops agents in reverse start order and publishes stopped, drained', async () => {
      const log: string[] = [];
      const events: Envelope[] = [];
      orch = orchestrator()
        .use(recordEvents(events))
        .register(agent('b', { log, dependsOn: ['a'] }))
        .register(agent('a', { log }));
      await orch.start();
      await orch.stop();
      expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
      expect(events.filter((e) => e.topic === 'agent.stopped').map((e) => e.payload)).toEqual([
        { agentId: 'b', node: 'node-1', drained: true },
        { agentId: 'a', node: 'node-1', drained: true },
      ]);
      expect((await orch.health()).agents.a!.state).toBe('stopped');
    });

    it('when an agent hangs in stop(), cuts it at the drain timeout, reports it and stops the rest', async () => {
      const log: string[] = [];
      const events: Envelope[] = [];
      orch = orchestrator(2_000)
        .use(recordEvents(events))
        .register(agent('a', { log }))
        .register(agent('hang', { log, dependsOn: ['a'], stop: () => new Promise<void>(() => undefined) }));
      await orch.start();
      jest.useFakeTimers();
      let done = false;
      const stopping = orch.stop().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(1_999);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await stopping;
      expect(log).toEqual(['start a', 'start hang', 'stop a']);
      const failed = events.find((e) => e.topic === 'agent.failed');
      expect(failed?.payload).toMatchObject({
        agentId: 'hang',
        phase: 'stop',
        error: {
          code: 'SLIP_ERR_AGENT_LIFECYCLE',
          message: 'agent "hang" failed to stop: did not stop within 2000 ms',
        },
      });
      expect(events.find((e) => e.topic === 'agent.stopped')?.payload).toEqual({
        agentId: 'hang',
        node: 'node-1',
        drained: false,
      });
      expect((await orch.health()).agents.hang!.state).toBe('failed');
      expect(jest.getTimerCount()).toBe(0);
    });

    it('when stop() throws, reports the agent failed in phase stop', async () => {
      orch = orchestrator().register(agent('a', { stop: () => Promise.reject(new Error('stuck')) }));
      await orch.start();
      await orch.stop();
      expect((await orch.health()).agents.a).toMatchObject({
        state: 'failed',
        error: { message: 'agent "a" failed to stop: stuck' },
      });
    });

    it('when called while start() awaits an agent, stops that agent, starts no further one and never reports running', async () => {
      const log: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      orch = orchestrator()
        .register(
          agent('slow', {
            log,
            start: async () => {
              log.push('start slow');
              await gate;
            },
          }),
        )
        .register(agent('later', { log, dependsOn: ['slow'] }));
      const starting = orch.start();
      while (!log.includes('start slow')) await new Promise((r) => setImmediate(r));
      const stopping = orch.stop();
      release();
      await starting;
      await stopping;
      expect(log).toEqual(['start slow', 'stop slow']);
      const health = await orch.health();
      expect(health.ready).toBe(false);
      expect(health.agents).toMatchObject({ slow: { state: 'stopped' }, later: { state: 'registered' } });
    });

    it('when an agent threw in start(), calls its stop() so that what it set up is released', async () => {
      const log: string[] = [];
      orch = orchestrator().register(
        agent('half', {
          log,
          start: () => {
            log.push('start half');
            return Promise.reject(new Error('bind failed'));
          },
        }),
      );
      await orch.start();
      await orch.stop();
      expect(log).toEqual(['start half', 'stop half']);
      expect((await orch.health()).agents.half!.state).toBe('failed');
    });

    it('when called twice, stops once', async () => {
      const log: string[] = [];
      orch = orchestrator().register(agent('a', { log }));
      await orch.start();
      await Promise.all([orch.stop(), orch.stop()]);
      expect(log).toEqual(['start a', 'stop a']);
    });
  });

  describe('.health()', () => {
    it('when a running agent reports itself not live, the node is not live', async () => {
      orch = orchestrator()
        .register(agent('sick', { health: () => ({ live: false, ready: false }) }))
        .register(agent('ok'));
      await orch.start();
      await expect(orch.health()).resolves.toMatchObject({ live: false, ready: false });
    });

    it('when health() throws, counts the agent as neither live nor ready', async () => {
      orch = orchestrator().register(
        agent('a', {
          health: () => {
            throw new Error('probe');
          },
        }),
      );
      await orch.start();
      await expect(orch.health()).resolves.toMatchObject({
        live: false,
        agents: { a: { health: { live: false, ready: false } } },
      });
    });

    it('when every agent is running and ready, the node is live and ready', async () => {
      orch = orchestrator().register(agent('a'));
      await orch.start();
      await expect(orch.health()).resolves.toMatchObject({ live: true, ready: true });
    });
  });

  describe('transport selection', () => {
    /** A module offering a 'nats' transport that is an in-process one recording connect and close. */
    function fakeNatsModule(log: string[]): ContainerModule {
      const factory: TransportFactory = {
        name: 'nats',
        create: () => {
          const transport = new InProcessTransport();
          const { connect, close } = transport;
          transport.connect = () => (log.push('connect'), connect.call(transport));
          transport.close = () => (log.push('close'), close.call(transport));
          return transport;
        },
      };
      return new ContainerModule(({ bind }) => {
        bind<TransportFactory>(CORE_TOKENS.TransportFactory).toConstantValue(factory);
      });
    }

    it('when a module offers the transport bus.transport names, connects it before the agents start and closes it after they stop', async () => {
      const log: string[] = [];
      orch = new Orchestrator({
        config: { nodeId: 'n1', bus: { transport: 'nats', servers: ['nats://x'] } },
        logger: silentLogger,
      })
        .use(fakeNatsModule(log))
        .register(agent('a', { log }));
      await orch.start();
      await orch.stop();
      expect(log).toEqual(['connect', 'start a', 'stop a', 'close']);
    });

    it('when the transport lost its server and holds every publish, stop() still ends: lifecycle events and the flush are cut at the drain timeout', async () => {
      const log: string[] = [];
      let down = false;
      const factory: TransportFactory = {
        name: 'nats',
        create: () => {
          const transport = new InProcessTransport();
          const { publish, flush } = transport;
          // Like a NATS connection waiting to reconnect: nothing it is given settles.
          transport.publish = (e) => (down ? new Promise<void>(() => undefined) : publish.call(transport, e));
          transport.flush = () => (down ? new Promise<void>(() => undefined) : flush.call(transport));
          return transport;
        },
      };
      orch = new Orchestrator({
        config: {
          nodeId: 'n1',
          bus: { transport: 'nats', servers: ['nats://x'] },
          orchestrator: { drainTimeoutMs: 50 },
        },
        logger: silentLogger,
      })
        .use(
          new ContainerModule(({ bind }) => {
            bind<TransportFactory>(CORE_TOKENS.TransportFactory).toConstantValue(factory);
          }),
        )
        .register(agent('a', { log }));
      await orch.start();
      down = true;
      await orch.stop();
      expect(log).toEqual(['start a', 'stop a']);
    });

    it('when the config keeps the in-process default, a loaded nats module changes nothing', async () => {
      const log: string[] = [];
      orch = orchestrator().use(fakeNatsModule(log)).register(agent('a', { log }));
      await orch.start();
      expect(log).toEqual(['start a']);
      expect(orch.peers()).toEqual([]);
    });
  });

  describe('discovery', () => {
    it('when on, announces the agents through NodeDiscovery and sends a heartbeat every intervalMs', async () => {
      jest.useFakeTimers();
      const events: Envelope[] = [];
      orch = new Orchestrator({
        config: { nodeId: 'n1', discovery: { enabled: true, intervalMs: 1_000 } },
        logger: silentLogger,
      })
        .use(recordEvents(events, '>'))
        .register(agent('a'));
      await orch.start();
      expect(events.map((e) => e.topic)).toEqual(['agent.registered', 'node.heartbeat', 'agent.started']);
      jest.advanceTimersByTime(2_000);
      expect(events.filter((e) => e.topic === 'node.heartbeat')).toHaveLength(3);
      await orch.stop();
      jest.advanceTimersByTime(2_000);
      expect(events.filter((e) => e.topic === 'node.heartbeat')).toHaveLength(3);
    });
  });

  describe('constructor', () => {
    it('when the config is invalid, throws a ConfigError naming the path', () => {
      expect(
        () => new Orchestrator({ config: { orchestrator: { drainTimeoutMs: -5 } }, logger: silentLogger }),
      ).toThrow('orchestrator.drainTimeoutMs: expected number > 0, received -5');
    });

    it('when the bus transport is nats and no module binds a transport, start() fails with a ConfigError', async () => {
      orch = new Orchestrator({
        config: { bus: { transport: 'nats', servers: ['nats://x'] } },
        logger: silentLogger,
      });
      await expect(orch.start()).rejects.toMatchObject({ code: 'SLIP_ERR_CONFIG' });
    });
  });
});
