import type { EventBus, Logger, NetworkMetricsSnapshot, PoolStats } from '@slipstream/contracts';
import { poolSizeRule } from '../rules/poolSizeRule';
import { OptimizerController } from './OptimizerController';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

function snapshot(queued: number, running: number): NetworkMetricsSnapshot {
  const pool = { origin: 'http://a', queued, running, requests: 0, connectionsCreated: 0 } as PoolStats;
  return {
    pools: [pool],
    breakers: [],
    clusters: {},
    overall: { latencyP99: 0 },
    health: { sloLatencyMs: 250 },
  } as unknown as NetworkMetricsSnapshot;
}

function fakeBus(connections: { value: number }) {
  const sent: { topic: string; payload: unknown }[] = [];
  const published: { topic: string; payload: { after?: number } }[] = [];
  const bus = {
    request: (topic: string, payload: { connections?: number }) => {
      sent.push({ topic, payload });
      if (payload.connections !== undefined) connections.value = payload.connections;
      return Promise.resolve({
        applied: { connections: connections.value, pipelining: 1, keepAliveTimeoutMs: 4_000 },
      });
    },
    publish: (topic: string, payload: { after?: number }) => {
      published.push({ topic, payload });
      return Promise.resolve();
    },
  };
  return { bus: bus as unknown as EventBus, sent, published };
}

describe(OptimizerController, () => {
  const rule = poolSizeRule({ maxConnections: 8, maxStep: 4 });

  describe('.onSnapshot()', () => {
    it('when the queue shrinks after the change, keeps it and publishes applied with before/after', async () => {
      const connections = { value: 1 };
      const { bus, published } = fakeBus(connections);
      const c = new OptimizerController(
        bus,
        [rule],
        logger,
        { cooldownMs: 1_000, verifySnapshots: 1 },
        () => 0,
      );
      await c.onSnapshot(snapshot(6, 1));
      expect(connections.value).toBe(2);
      await c.onSnapshot(snapshot(2, 2));
      expect(published.map((p) => p.topic)).toEqual(['optimizer.recommendation', 'optimizer.applied']);
      expect(published[1]!.payload).toMatchObject({ before: 6, after: 2 });
    });

    it('when the queue does not shrink, reverts through the same command and backs off', async () => {
      const connections = { value: 1 };
      const { bus, published } = fakeBus(connections);
      let now = 0;
      const c = new OptimizerController(
        bus,
        [rule],
        logger,
        { cooldownMs: 1_000, verifySnapshots: 1 },
        () => now,
      );
      await c.onSnapshot(snapshot(6, 1));
      await c.onSnapshot(snapshot(6, 2));
      expect(connections.value).toBe(1);
      expect(published.at(-1)).toMatchObject({
        topic: 'optimizer.reverted',
        payload: { before: 6, after: 6 },
      });
      // Within the doubled cooldown nothing is proposed again.
      now = 1_500;
      await c.onSnapshot(snapshot(6, 1));
      expect(c.changeInFlight).toBe(false);
      now = 2_500;
      await c.onSnapshot(snapshot(6, 1));
      expect(c.changeInFlight).toBe(true);
    });
  });
});
