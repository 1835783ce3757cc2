import { ConfigError } from '@slipstream/contracts';
import type { ClusterStats, PoolStats } from '@slipstream/contracts';
import { MetricsRegistry } from './MetricsRegistry';
import type { SeriesLabels } from './RequestOutcome';

const A: SeriesLabels = { cluster: 'users', endpoint: 'http://a:1', route: 'r1', qosClass: 'standard' };
const B: SeriesLabels = { cluster: 'orders', endpoint: 'http://b:1', route: 'r2', qosClass: 'bulk' };

function pool(origin: string, requests: number, connectionsCreated: number): PoolStats {
  return {
    origin,
    requests,
    connectionsCreated,
    connectionsOpen: 1,
    reuseRate: 1 - connectionsCreated / requests,
    connectTimeMeanMs: 1,
    connectTimeP99Ms: 2,
    queued: 0,
    running: 0,
    pending: 0,
    bytesOutLogical: 0,
    bytesOutWire: 0,
    bytesInLogical: 0,
    bytesInWire: 0,
  };
}

function cluster(name: string, origin: string, inflight: number): ClusterStats {
  return {
    cluster: name,
    algorithm: 'p2c-peak-ewma',
    panic: false,
    activeTier: 0,
    endpoints: [
      {
        origin,
        tier: 0,
        weight: 1,
        healthy: true,
        ejected: false,
        inflight,
        ewmaMs: 1,
        requests: 0,
        failures: 0,
        latencySamples: 0,
        latencyTotalMs: 0,
        share: 1,
      },
    ],
  };
}

describe('MetricsRegistry', () => {
  let now: number;
  let registry: MetricsRegistry;
  beforeEach(() => {
    now = 1_000_000;
    registry = new MetricsRegistry({
      clock: () => now,
      clockResolutionMs: 0,
      sloLatencyMs: 100,
      windowMs: 60_000,
    });
  });

  describe('.recordRequest()', () => {
    it('when the same labels recur, reuses one series', () => {
      registry.recordRequest({ ...A, durationMs: 1 });
      registry.recordRequest({ ...A, durationMs: 2 });
      expect(registry.allSeries()).toHaveLength(1);
      expect(registry.series(A).requests).toBe(2);
    });

    it('when requests carry errors and bytes, counts every measurement exactly', () => {
      registry.recordRequest({ ...A, durationMs: 10, status: 200, bytesOutLogical: 100, bytesOutWire: 40 });
      registry.recordRequest({ ...A, durationMs: 20, errorKind: '5xx', bytesInLogical: 7, bytesInWire: 7 });
      registry.recordRequest({ ...B, durationMs: 30, errorKind: 'shed' });
      const a = registry.series(A);
      expect(a.requests).toBe(2);
      expect(a.errorCount).toBe(1);
      expect([a.bytesOutLogical, a.bytesOutWire, a.bytesInLogical, a.bytesInWire]).toEqual([100, 40, 7, 7]);
      // (2 + 2 bytes) + (2 + 1 error + 2 bytes) + (2 + 1 error)
      expect(registry.metricsCollected).toBe(12);
    });
    it('when a status ≥ 400 arrives without an errorKind, counts it as 4xx/5xx, and only the 5xx as an error', () => {
      registry.recordRequest({ ...A, durationMs: 1, status: 503 });
      registry.recordRequest({ ...A, durationMs: 1, status: 404 });
      registry.recordRequest({ ...A, durationMs: 1, status: 200 });
      expect(registry.windowTotals('users')).toMatchObject({ requests: 3, errors: 1 });
      expect(registry.performance('users').outcomes).toMatchObject({
        success: 1,
        upstream_failure: 1,
        client_error: 1,
      });
    });

    it('when given the verdict, counts only upstream failures as errors (regression: 4xx and aborts gave errorRate 0.273)', () => {
      for (let i = 0; i < 80; i++)
        registry.recordRequest({ ...A, durationMs: 1, status: 200, outcome: 'success' });
      for (let i = 0; i < 20; i++)
        registry.recordRequest({ ...A, durationMs: 1, status: 404, outcome: 'client_error' });
      for (let i = 0; i < 10; i++)
        registry.recordRequest({ ...A, durationMs: 1, errorKind: 'aborted', outcome: 'cancelled' });
      registry.recordRequest({ ...A, durationMs: 1, errorKind: 'shed', outcome: 'local_rejection' });
      const performance = registry.performance('users');
      expect(performance.errorRate).toBe(0);
      expect(performance.outcomes).toEqual({
        success: 80,
        upstream_failure: 0,
        upstream_overload: 0,
        client_error: 20,
        local_rejection: 1,
        cancelled: 10,
      });
      expect(registry.health('users').score).toBeGreaterThan(90);
    });
  });

  describe('.performance()', () => {
    it('when traffic is recorded, reports windowed figures per cluster and overall', () => {
      for (let i = 1; i <= 100; i++)
        registry.recordRequest({ ...A, durationMs: i, errorKind: i <= 5 ? 'timeout' : undefined });
      registry.recordRequest({ ...B, durationMs: 1_000 });
      now += 10_000;
      const users = registry.performance('users');
      expect(users.requests).toBe(100);
      expect(users.errorRate).toBeCloseTo(0.05, 10);
      expect(users.availability).toBeCloseTo(0.95, 10);
      expect(users.latency).toBeCloseTo(50.5, 10);
      expect(Math.abs(users.latencyP99 - 99) / 99).toBeLessThan(0.01);
      expect(users.throughput).toBeCloseTo(100 / 10, 6);
      expect(registry.performance().requests).toBe(101);
    });

    it("when a cluster's first request comes after creation, its throughput agrees with the overall (regression)", () => {
      now += 30_000;
      for (let i = 0; i < 60; i++) registry.recordRequest({ ...A, durationMs: 1 });
      now += 10_000;
      const overall = registry.performance();
      const users = registry.performance('users');
      expect(users.durationMs).toBe(overall.durationMs);
      expect(users.throughput).toBeCloseTo(overall.throughput, 10);
      expect(users.throughput).toBeCloseTo(60 / 40, 10);
    });

    it('when the window has passed, reads as idle', () => {
      registry.recordRequest({ ...A, durationMs: 5, errorKind: 'connect' });
      now += 120_000;
      expect(registry.performance('users')).toMatchObject({ requests: 0, errorRate: 0, latencyP99: 0 });
    });

    it('when pool stats are registered, measures efficiency from them', () => {
      registry.registerSource('pools', () => [pool('http://a:1', 100, 4), pool('http://b:1', 10, 10)]);
      registry.registerSource('clusters', () => [cluster('users', 'http://a:1', 0)]);
      registry.recordRequest({ ...A, durationMs: 1 });
      expect(registry.performance('users').efficiency).toBeCloseTo(0.96, 10);
      expect(registry.performance().efficiency).toBeCloseTo(1 - 14 / 110, 10);
    });
  });

  describe('.health()', () => {
    it('when a cluster has no traffic, scores 100', () => {
      expect(registry.health('nobody').score).toBe(100);
    });

    it('when p99 doubles the SLO, halves the score', () => {
      for (let i = 0; i < 100; i++) registry.recordRequest({ ...A, durationMs: 200 });
      expect(registry.health('users').score).toBeCloseTo(50, 0);
    });

    it('when in-flight reaches the concurrency limit, reads saturation from the sources', () => {
      registry.registerSource('clusters', () => [cluster('users', 'http://a:1', 20)]);
      const dispose = registry.registerSource('routing', () => ({
        routes: 1,
        requestsByRoute: {},
        classes: {},
        concurrencyLimits: { users: 20 },
        activeClusters: {},
      }));
      expect(registry.health('users')).toMatchObject({ saturation: 1, score: 50 });
      dispose();
      expect(registry.health('users').saturation).toBe(0);
    });
  });

  describe('.snapshot()', () => {
    it('when sources are registered, includes them and every cluster', () => {
      registry.registerSource('pools', () => [pool('http://a:1', 1, 1)]);
      registry.recordRequest({ ...A, durationMs: 1 });
      registry.recordRequest({ ...B, durationMs: 1 });
      const snapshot = registry.snapshot();
      expect(Object.keys(snapshot.clusters).sort()).toEqual(['orders', 'users']);
      expect(snapshot.pools).toHaveLength(1);
      expect(snapshot.breakers).toEqual([]);
      expect(snapshot.metricsCollected).toBe(4);
      expect(snapshot.windowMs).toBe(60_000);
      expect(snapshot.batching).toBeUndefined();
      expect(snapshot.balancing).toBeUndefined();
    });

    it('when a clusters source is registered, carries its stats as balancing', () => {
      const stats = [cluster('users', 'http://a:1', 2)];
      registry.registerSource('clusters', () => stats);
      expect(registry.snapshot().balancing).toEqual(stats);
    });
  });

  describe('.setSloLatencyMs()', () => {
    it('when valid, scores the window against the new objective and keeps the window', () => {
      registry.recordRequest({ ...A, durationMs: 200 });
      expect(registry.health().score).toBeCloseTo(50, 0);
      registry.setSloLatencyMs(400);
      expect(registry.sloLatencyMs).toBe(400);
      expect(registry.health()).toMatchObject({ score: 100, sloLatencyMs: 400 });
    });

    it('when not a positive number, throws a ConfigError naming it and keeps the old one', () => {
      for (const bad of [0, -5, Number.NaN, Infinity]) {
        expect(() => registry.setSloLatencyMs(bad)).toThrow(ConfigError);
      }
      expect(() => registry.setSloLatencyMs(0)).toThrow(
        /sloLatencyMs: expected a number of ms > 0, received 0/,
      );
      expect(registry.sloLatencyMs).toBe(100);
    });
  });

  describe('.setWindowMs()', () => {
    it('when the length changes, resets the sliding windows and slides over the new length', () => {
      registry.recordRequest({ ...A, durationMs: 5 });
      registry.setWindowMs(6_000);
      expect(registry.windowMs).toBe(6_000);
      expect(registry.snapshot().windowMs).toBe(6_000);
      expect(registry.performance().requests).toBe(0);
      registry.recordRequest({ ...A, durationMs: 5 });
      expect(registry.performance('users').requests).toBe(1);
      now += 7_000;
      expect(registry.performance().requests).toBe(0);
      expect(registry.metricsCollected).toBe(4);
    });

    it('when given the length in force, keeps the window', () => {
      registry.recordRequest({ ...A, durationMs: 5 });
      registry.setWindowMs(60_000);
      expect(registry.performance().requests).toBe(1);
    });

    it('when not a positive number, throws a ConfigError naming it and keeps the old window', () => {
      registry.recordRequest({ ...A, durationMs: 5 });
      expect(() => registry.setWindowMs(-1)).toThrow(/windowMs/);
      expect(() => registry.setWindowMs(Number.NaN)).toThrow(ConfigError);
      expect(registry.windowMs).toBe(60_000);
      expect(registry.performance().requests).toBe(1);
    });
  });

  describe('constructor', () => {
    it('when the SLO is not positive, throws a ConfigError naming it', () => {
      expect(() => new MetricsRegistry({ sloLatencyMs: 0 })).toThrow(ConfigError);
      expect(() => new MetricsRegistry({ sloLatencyMs: -1 })).toThrow(/sloLatencyMs/);
    });
  });
});
