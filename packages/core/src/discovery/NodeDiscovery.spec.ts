import { ConfigError, type TopicMap } from '@slipstream/contracts';

import { silentLogger } from '../../test/busContractSuite';
import { NodeDiscovery, type DiscoveryBus } from './NodeDiscovery';

type Published = { topic: keyof TopicMap; payload: unknown };

/** A synchronous in-memory bus shared by every node of a test: publish calls each subscriber at once. */
function memoryBus(log: Published[]): DiscoveryBus {
  const handlers = new Map<string, ((payload: unknown) => void)[]>();
  return {
    publish: (topic: keyof TopicMap, payload: unknown) => {
      log.push({ topic, payload });
      for (const h of handlers.get(topic) ?? []) h(payload);
      return Promise.resolve();
    },
    subscribe: (topic: string, handler: (payload: never) => void) => {
      const list = handlers.get(topic) ?? [];
      const h = handler as (payload: unknown) => void;
      list.push(h);
      handlers.set(topic, list);
      return () =>
        handlers.set(
          topic,
          (handlers.get(topic) ?? []).filter((x) => x !== h),
        );
    },
  } as unknown as DiscoveryBus;
}

describe(NodeDiscovery, () => {
  const logger = silentLogger;
  let log: Published[];
  let bus: DiscoveryBus;

  beforeEach(() => {
    jest.useFakeTimers();
    log = [];
    bus = memoryBus(log);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('constructor', () => {
    it('when intervalMs is not positive, throws a ConfigError naming the field', () => {
      expect(() => new NodeDiscovery(bus, logger, { node: 'a', intervalMs: 0 })).toThrow(ConfigError);
      expect(() => new NodeDiscovery(bus, logger, { node: 'a', intervalMs: 0 })).toThrow(
        /discovery\.intervalMs/,
      );
    });
  });

  describe('.start()', () => {
    it('announces each agent and sends a heartbeat, then one every intervalMs', async () => {
      const a = new NodeDiscovery(bus, logger, {
        node: 'a',
        agents: [{ id: 'sarah', role: 'worker', capabilities: ['tasks'] }],
        intervalMs: 1_000,
      });
      await a.start();
      expect(log.map((p) => p.topic)).toEqual(['agent.registered', 'node.heartbeat']);
      expect(log[0]?.payload).toEqual({
        agentId: 'sarah',
        role: 'worker',
        capabilities: ['tasks'],
        node: 'a',
      });
      jest.advanceTimersByTime(3_000);
      expect(log.filter((p) => p.topic === 'node.heartbeat')).toHaveLength(4);
      a.stop();
      jest.advanceTimersByTime(3_000);
      expect(log.filter((p) => p.topic === 'node.heartbeat')).toHaveLength(4);
    });
  });

  describe('when a peer comes online', () => {
    it('announces its agents again, so a node that joined later learns of them', async () => {
      const a = new NodeDiscovery(bus, logger, {
        node: 'a',
        agents: [{ id: 'alpha', role: 'r', capabilities: [] }],
        intervalMs: 1_000,
      });
      await a.start();
      log.length = 0;
      const b = new NodeDiscovery(bus, logger, { node: 'b', intervalMs: 1_000 });
      await b.start();
      await Promise.resolve();
      const announced = log.filter((p) => p.topic === 'agent.registered').map((p) => p.payload);
      expect(announced).toEqual([{ agentId: 'alpha', role: 'r', capabilities: [], node: 'a' }]);
      jest.advanceTimersByTime(2_000);
      await Promise.resolve();
      expect(log.filter((p) => p.topic === 'agent.registered')).toHaveLength(1);
      a.stop();
      b.stop();
    });
  });

  describe('.peers()', () => {
    it('when a peer misses `missed` heartbeats, marks it offline and one node publishes agent.offline', async () => {
      const nodes = ['a', 'b', 'c'].map(
        (node) =>
          new NodeDiscovery(bus, logger, {
            node,
            agents: [{ id: `${node}-agent`, role: 'r', capabilities: [] }],
            intervalMs: 1_000,
            missed: 3,
          }),
      );
      for (const n of nodes) await n.start();
      jest.advanceTimersByTime(1_000);
      expect(nodes[0]?.peers().map((p) => [p.node, p.online])).toEqual([
        ['b', true],
        ['c', true],
      ]);
      nodes[2]?.stop();
      jest.advanceTimersByTime(3_000);
      expect(log.filter((p) => p.topic === 'agent.offline')).toHaveLength(0);
      jest.advanceTimersByTime(1_000);
      const offline = log.filter((p) => p.topic === 'agent.offline');
      expect(offline).toEqual([{ topic: 'agent.offline', payload: { node: 'c', agentIds: ['c-agent'] } }]);
      expect(nodes[1]?.peers().find((p) => p.node === 'c')?.online).toBe(false);
      nodes[0]?.stop();
      nodes[1]?.stop();
    });

    it('when the node that should report has not noticed the silence, another reports it one interval later', async () => {
      // 'a' would report (smallest id) but tolerates 10 missed heartbeats, so it has not noticed.
      const a = new NodeDiscovery(bus, logger, { node: 'a', intervalMs: 1_000, missed: 10 });
      const b = new NodeDiscovery(bus, logger, { node: 'b', intervalMs: 1_000, missed: 3 });
      const c = new NodeDiscovery(bus, logger, {
        node: 'c',
        agents: [{ id: 'c-agent', role: 'r', capabilities: [] }],
        intervalMs: 1_000,
      });
      for (const n of [a, b, c]) await n.start();
      jest.advanceTimersByTime(1_000);
      c.stop();
      jest.advanceTimersByTime(4_000);
      expect(log.filter((p) => p.topic === 'agent.offline')).toHaveLength(0);
      jest.advanceTimersByTime(1_000);
      jest.advanceTimersByTime(5_000);
      expect(log.filter((p) => p.topic === 'agent.offline')).toEqual([
        { topic: 'agent.offline', payload: { node: 'c', agentIds: ['c-agent'] } },
      ]);
      a.stop();
      b.stop();
    });

    it('when an offline peer sends a heartbeat again, marks it online', async () => {
      const a = new NodeDiscovery(bus, logger, { node: 'a', intervalMs: 1_000, missed: 2 });
      const b = new NodeDiscovery(bus, logger, { node: 'b', intervalMs: 1_000, missed: 2 });
      await a.start();
      await b.start();
      b.stop();
      jest.advanceTimersByTime(4_000);
      expect(a.peers()[0]?.online).toBe(false);
      await b.start();
      expect(a.peers()[0]?.online).toBe(true);
      a.stop();
      b.stop();
    });
  });
});
