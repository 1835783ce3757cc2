import { ConfigError, type EventBus, type Logger, type NetworkMetricsSnapshot } from '@slipstream/contracts';
import type { OptimizerRule, Settings } from '../rules/OptimizerRule';
import { poolSizeRule } from '../rules/poolSizeRule';
import { OPTIMIZER_DEFAULTS } from '../OptimizerOptions';
import { OptimizerController } from './OptimizerController';
import { fakeBus, snapshot } from '../test/queueModel';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

describe(OptimizerController, () => {
  const rule = poolSizeRule({ maxConnections: 8, maxStep: 4 });

  /** Feeds `n` snapshots, each built from the connections in force then. */
  async function feed(
    c: OptimizerController,
    connections: { value: number },
    n: number,
    queuedAt: (connections: number) => number,
  ): Promise<void> {
    for (let i = 0; i < n; i++) await c.onSnapshot(snapshot(queuedAt(connections.value), connections.value));
  }

  /** Snapshots before the rule acts: the A/A blocks it needs after the unused first one (blocks of 1 snapshot here). */
  const AA = OPTIMIZER_DEFAULTS.aaBlocks + 1;
  /** Snapshots of the A/B: pairs × 2 blocks of 1 snapshot. */
  const AB = 2 * OPTIMIZER_DEFAULTS.abPairs;

  describe('.onSnapshot()', () => {
    it('acts only after the A/A blocks, then keeps a change that every A/B pair favours and publishes the medians and the comparison', async () => {
      const connections = { value: 1 };
      const { bus, sent, published } = fakeBus(connections);
      const c = new OptimizerController(
        bus,
        [rule],
        logger,
        { cooldownMs: 1_000, verifySnapshots: 1 },
        () => 0,
      );
      await feed(c, connections, AA - 1, () => 6);
      expect(c.changeInFlight).toBe(false);
      await feed(c, connections, 1, () => 6);
      expect(c.changeInFlight).toBe(true);
      await feed(c, connections, AB, (n) => (n > 1 ? 1 : 6));
      expect(c.changeInFlight).toBe(false);
      expect(connections.value).toBe(2);
      // The A/B alternated the setting: new-old, old-new, … (6 switches back and forth after the first change).
      expect(
        sent.filter((s) => s.topic === 'network.pooling.configure' && 'connections' in (s.payload as object))
          .length,
      ).toBe(1 + OPTIMIZER_DEFAULTS.abPairs);
      expect(published.map((p) => p.topic)).toEqual(['optimizer.recommendation', 'optimizer.applied']);
      expect(published[1]!.payload).toMatchObject({
        before: 40,
        after: 90,
        comparison: { verdict: 'improved', pairs: OPTIMIZER_DEFAULTS.abPairs, low: 2.25, margin: 0 },
      });
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
      await feed(c, connections, AA + AB, () => 6);
      expect(connections.value).toBe(1);
      expect(published.at(-1)).toMatchObject({
        topic: 'optimizer.reverted',
        payload: { before: 40, after: 40, comparison: { verdict: 'no measurable change' } },
      });
      // Within the doubled cooldown nothing is proposed again; after it, A/A blocks are measured afresh.
      now = 1_500;
      await feed(c, connections, AA, () => 6);
      expect(c.changeInFlight).toBe(false);
      now = 2_500;
      await feed(c, connections, AA - 1, () => 6);
      expect(c.changeInFlight).toBe(false);
      await feed(c, connections, 1, () => 6);
      expect(c.changeInFlight).toBe(true);
    });

    it('when the A/A blocks drifted as much as the change moved the metric, reverts it (the margin)', async () => {
      const connections = { value: 1 };
      const { bus, published } = fakeBus(connections);
      const c = new OptimizerController(
        bus,
        [rule],
        logger,
        { cooldownMs: 1_000, verifySnapshots: 1 },
        () => 0,
      );
      const aa = [6, 6, 3, 6, 3];
      for (const q of aa) await c.onSnapshot(snapshot(q, 1));
      expect(c.changeInFlight).toBe(true);
      // Every pair favours the new setting (50 against 40 a second), by 25 %: inside the 75 % the A/A blocks drifted.
      await feed(c, connections, AB, (n) => (n > 1 ? 5 : 6));
      expect(connections.value).toBe(1);
      expect(published.at(-1)).toMatchObject({
        topic: 'optimizer.reverted',
        payload: { comparison: { verdict: 'no measurable change', margin: 0.75 } },
      });
    });
  });

  describe('.onSnapshot() failures', () => {
    /** A bus whose pooling changes fail while `failing.value` is true. */
    function flakyBus(connections: { value: number }, failing: { value: boolean }) {
      const fake = fakeBus(connections);
      const request = fake.bus.request.bind(fake.bus) as (
        t: string,
        p: { connections?: number },
      ) => Promise<unknown>;
      (fake.bus as unknown as { request: typeof request }).request = (topic, payload) =>
        payload.connections !== undefined && failing.value
          ? Promise.reject(new Error('sidecar restarting'))
          : request(topic, payload);
      return fake;
    }

    it('when the change cannot be sent, the rule cools down instead of re-proposing every snapshot (regression)', async () => {
      const connections = { value: 1 };
      const { bus, published } = flakyBus(connections, { value: true });
      let now = 0;
      const c = new OptimizerController(
        bus,
        [rule],
        logger,
        { cooldownMs: 1_000, verifySnapshots: 1 },
        () => now,
      );
      await feed(c, connections, AA + 2, () => 6);
      expect(published.filter((p) => p.topic === 'optimizer.recommendation')).toHaveLength(1);
      expect(c.counts.failed).toBe(1);
      now = 1_000;
      await feed(c, connections, 1, () => 6);
      expect(published.filter((p) => p.topic === 'optimizer.recommendation')).toHaveLength(2);
    });

    it('when the revert fails, logs it and retries it on the next snapshot (regression: change left in force silently)', async () => {
      const connections = { value: 1 };
      const failing = { value: false };
      const { bus, published } = flakyBus(connections, failing);
      const errors: string[] = [];
      const recording: Logger = { ...logger, error: (message: string) => errors.push(message) };
      const c = new OptimizerController(
        bus,
        [rule],
        recording,
        { cooldownMs: 1_000, verifySnapshots: 1 },
        () => 0,
      );
      await feed(c, connections, AA + AB - 1, () => 6);
      // The last block runs the new setting; its revert fails.
      expect(connections.value).toBe(2);
      failing.value = true;
      await feed(c, connections, 1, () => 6);
      expect(connections.value).toBe(2);
      expect(errors).toHaveLength(1);
      expect(c.counts.revertFailures).toBe(1);
      expect(published.map((p) => p.topic)).not.toContain('optimizer.reverted');
      failing.value = false;
      await feed(c, connections, 1, () => 6);
      expect(connections.value).toBe(1);
      expect(published.at(-1)).toMatchObject({ topic: 'optimizer.reverted' });
    });
  });

  describe('blocks', () => {
    /** A pool snapshot at `timestamp` with a 60 s window. */
    function timed(timestamp: number, queued: number, running: number): NetworkMetricsSnapshot {
      return { ...snapshot(queued, running), timestamp, windowMs: 60_000 };
    }

    it('when the window spans 6 snapshot intervals, makes every block 6 snapshots and averages the gauge after the first (regression: judged on pre-change data)', async () => {
      const connections = { value: 1 };
      const { bus, published } = fakeBus(connections);
      const gauge: OptimizerRule = {
        ...rule,
        metric: 'queued',
        better: 'lower',
        gauge: true,
        measure: (obs) => obs.snapshot.pools.reduce((n, p) => n + p.queued, 0),
      };
      const c = new OptimizerController(
        bus,
        [gauge],
        logger,
        { cooldownMs: 1_000, verifySnapshots: 2 },
        () => 0,
      );
      let t = 0;
      const tick = (queued: number) => c.onSnapshot(timed((t += 10_000), queued, connections.value));
      for (let i = 0; i < 6 * AA; i++) await tick(6);
      expect(c.changeInFlight).toBe(true);
      for (let block = 0; block < AB; block++) {
        // The first snapshot of a block straddles the switch (a high reading); the other five count.
        const improved = connections.value > 1;
        await tick(9);
        for (let i = 0; i < 5; i++) await tick(improved ? 2 : 6);
        if (block < AB - 1) expect(c.changeInFlight).toBe(true);
      }
      expect(published.at(-1)).toMatchObject({
        topic: 'optimizer.applied',
        payload: { before: 6, after: 2 },
      });
    });
  });

  describe('settings in force', () => {
    /** A rule that records the settings it is shown and never proposes. */
    function spy(): OptimizerRule & { seen: Settings[] } {
      const seen: Settings[] = [];
      return {
        seen,
        name: 'spy',
        metric: 'none',
        better: 'lower',
        measure: () => 0,
        propose: (_obs, settings) => void seen.push(settings),
      };
    }

    function replying(applied: Record<string, Record<string, unknown>>) {
      const sent: string[] = [];
      const bus = {
        request: (topic: string) => {
          sent.push(topic);
          return Promise.resolve({ applied: applied[topic] ?? {} });
        },
        publish: () => Promise.resolve(),
      } as unknown as EventBus;
      return { bus, sent };
    }

    it('when the sidecar reports them, reads every setting from the replies and sends no balancing command', async () => {
      const { bus, sent } = replying({
        'network.pooling.configure': { connections: 3, pipelining: 2, keepAliveTimeoutMs: 900 },
        'network.batching.configure': { maxDelayMs: 7 },
        'network.breaker.configure': { volumeThreshold: 9, resetTimeoutMs: 1_234 },
      });
      const rule = spy();
      await new OptimizerController(bus, [rule], logger).onSnapshot(snapshot(0, 0));
      expect(rule.seen).toEqual([
        {
          connections: 3,
          pipelining: 2,
          keepAliveTimeoutMs: 900,
          maxDelayMs: 7,
          volumeThreshold: 9,
          resetTimeoutMs: 1_234,
        },
      ]);
      expect(sent).not.toContain('network.balancing.configure');
    });

    it('when the sidecar does not report a setting, leaves it absent instead of assuming a default', async () => {
      const { bus } = replying({
        'network.pooling.configure': { connections: 3, pipelining: 1, keepAliveTimeoutMs: 900 },
      });
      const rule = spy();
      await new OptimizerController(bus, [rule], logger).onSnapshot(snapshot(0, 0));
      expect(rule.seen[0]).toEqual({ connections: 3, pipelining: 1, keepAliveTimeoutMs: 900 });
    });
  });

  describe('constructor', () => {
    it('when an option is out of range, throws a ConfigError naming it and what it received', () => {
      const { bus } = fakeBus({ value: 1 });
      expect(() => new OptimizerController(bus, [rule], logger, { verifySnapshots: 0 })).toThrow(
        /verifySnapshots: expected an integer ≥ 1, received 0/,
      );
      expect(() => new OptimizerController(bus, [rule], logger, { cooldownMs: -1 })).toThrow(ConfigError);
      expect(() => new OptimizerController(bus, [rule], logger, { fleet: {} as never })).toThrow(ConfigError);
    });
  });
});
