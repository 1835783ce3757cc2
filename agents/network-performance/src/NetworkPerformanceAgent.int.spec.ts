import {
  ConfigError,
  RemoteError,
  TOKENS,
  type Agent,
  type EventBus,
  type NetworkOptimizationResult,
  type ServiceResolver,
} from '@slipstream/contracts';
import type { NetworkClient } from '@slipstream/client';
import type { AdminServer } from '@slipstream/monitor';
import { Orchestrator } from '@slipstream/core';
import { makeTestCertificates, startUpstreams, type Upstream } from '@slipstream/testkit';
import { NetworkPerformanceAgent } from './NetworkPerformanceAgent';
import { networkPerformanceModules } from './networkPerformanceModules';
import { AB_PAIRS } from './optimize/interleavedAb';

/** An agent that only hands the test the bus and the container's services, as any agent gets them. */
function busProbe(): Agent & { bus?: EventBus; services?: ServiceResolver } {
  const probe: Agent & { bus?: EventBus; services?: ServiceResolver } = {
    id: 'probe',
    role: 'test probe',
    capabilities: [],
    start: (ctx) => {
      probe.bus = ctx.bus;
      probe.services = ctx.services;
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    health: () => ({ live: true, ready: true }),
  };
  return probe;
}

const BUS_TIMEOUT = { timeoutMs: 60_000 };

describe(NetworkPerformanceAgent, () => {
  let upstreams: Upstream[];
  let orchestrator: Orchestrator;
  let agent: NetworkPerformanceAgent;
  let bus: EventBus;
  let services: ServiceResolver;

  beforeAll(async () => {
    upstreams = await startUpstreams(2, { seed: 7, behaviour: { latencyMs: 2 } });
    agent = new NetworkPerformanceAgent({
      clusters: [{ cluster: 'api', endpoints: upstreams.map((u) => ({ origin: u.origin })) }],
      workload: { requests: 60, concurrency: 4, maxDurationMs: 20_000 },
      monitoring: { snapshotIntervalMs: 0 },
    });
    const probe = busProbe();
    orchestrator = new Orchestrator({ config: { log: { level: 'error' }, nodeId: 'npa-test' } });
    orchestrator
      .use(...networkPerformanceModules(agent))
      .register(agent)
      .register(probe);
    await orchestrator.start();
    bus = probe.bus!;
    services = probe.services!;
  });

  afterAll(async () => {
    await orchestrator.stop();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  describe('TOKENS.NetworkClient', () => {
    it("lets agents stream a response through the sidecar's pipeline", async () => {
      for (const u of upstreams)
        u.setBehaviour([{ match: { path: '/export' }, behaviour: { bodySize: 256 * 1_024 } }]);
      const network = services.get<NetworkClient>(TOKENS.NetworkClient);
      const res = await network.stream({ path: '/export', cluster: 'api' });
      expect(res.statusCode).toBe(200);
      let read = 0;
      for await (const chunk of res.body) read += (chunk as Buffer).length;
      expect(await res.ended).toBeUndefined();
      expect(read).toBe(res.bytesInLogical);
      expect(read).toBeGreaterThanOrEqual(256 * 1_024);
      for (const u of upstreams) u.setBehaviour([]);
    });
  });

  describe('constructor', () => {
    it('when the targets are missing, throws a ConfigError naming the path', () => {
      expect(() => new NetworkPerformanceAgent({ clusters: [] })).toThrow(ConfigError);
      expect(() => new NetworkPerformanceAgent({ clusters: [] })).toThrow(/clusters/);
    });
  });

  describe('.health()', () => {
    it('when started, is ready with measured details', () => {
      expect(agent.health()).toMatchObject({ live: true, ready: true });
    });
  });

  describe('.implementConnectionPooling()', () => {
    it('applies a valid config and returns measured pool stats', async () => {
      const result = await agent.implementConnectionPooling({ connections: 8 });
      expect(result.applied.connections).toBe(8);
      expect(Array.isArray(result.pools)).toBe(true);
    });

    it('when invalid, rejects with a ConfigError and keeps the old config', async () => {
      await expect(agent.implementConnectionPooling({ connections: -1 })).rejects.toThrow(ConfigError);
      expect((await agent.implementConnectionPooling({})).applied.connections).toBe(8);
    });

    it('when the bus payload is malformed, replies with a typed error', async () => {
      const reply = bus.request('network.pooling.configure', { connections: 'many' } as never, BUS_TIMEOUT);
      await expect(reply).rejects.toThrow(RemoteError);
      await expect(reply).rejects.toMatchObject({ remote: { code: 'SLIP_ERR_CONFIG' } });
    });
  });

  describe('.implementRequestBatching()', () => {
    it('applies a valid config and returns batch stats measured after calls', async () => {
      const result = await bus.request('network.batching.configure', { maxBatchSize: 4 }, BUS_TIMEOUT);
      expect(result.applied.maxBatchSize).toBe(4);
      const network = services.get<NetworkClient>(TOKENS.NetworkClient);
      await Promise.all(Array.from({ length: 8 }, (_, i) => network.call('add', [i, 1], { cluster: 'api' })));
      const after = await bus.request('network.batching.configure', {}, BUS_TIMEOUT);
      // 8 calls at once, at most 4 a batch: two batches, both measured.
      expect(after.stats.callsSent - result.stats.callsSent).toBe(8);
      expect(after.stats.batchesSent - result.stats.batchesSent).toBe(2);
    });

    it('when invalid, rejects with a ConfigError and keeps the old config', async () => {
      await expect(agent.implementRequestBatching({ maxBatchSize: 0 })).rejects.toThrow(ConfigError);
      expect((await agent.implementRequestBatching({})).applied.maxBatchSize).toBe(4);
    });

    it('reports every setting in force, defaults included', async () => {
      const { applied } = await bus.request('network.batching.configure', {}, BUS_TIMEOUT);
      expect(applied.maxDelayMs).toEqual(expect.any(Number));
      expect(applied.timeoutMs).toEqual(expect.any(Number));
    });
  });

  describe('.implementLoadBalancing()', () => {
    it('switches the algorithm and returns the cluster stats', async () => {
      const result = await bus.request(
        'network.balancing.configure',
        { cluster: 'api', algorithm: 'round-robin' },
        BUS_TIMEOUT,
      );
      expect(result.stats.algorithm).toBe('round-robin');
      expect(result.stats.endpoints).toHaveLength(2);
    });

    it('refuses a cluster at an origin of another cluster with other connection settings, on the bus and in the constructor', async () => {
      const origin = upstreams[0]!.origin;
      const reply = bus.request(
        'network.balancing.configure',
        { cluster: 'aged', maxConnectionAgeMs: 5_000, endpoints: [{ origin }] },
        BUS_TIMEOUT,
      );
      await expect(reply).rejects.toMatchObject({ remote: { code: 'SLIP_ERR_CONFIG' } });
      await expect(reply).rejects.toThrow(
        `clusters.aged.endpoints[${origin}].maxConnectionAgeMs: expected 0 as at clusters.api.endpoints[${origin}].maxConnectionAgeMs`,
      );
      const both = {
        clusters: [
          { cluster: 'api', endpoints: [{ origin }] },
          { cluster: 'aged', maxConnectionAgeMs: 5_000, endpoints: [{ origin }] },
        ],
      };
      expect(() => new NetworkPerformanceAgent(both)).toThrow(
        'clusters[1].endpoints[0].maxConnectionAgeMs: expected 0 as at clusters[0].endpoints[0].maxConnectionAgeMs',
      );
    });

    it('when a cluster gets a client certificate over the bus, uses its key and never echoes it in the reply', async () => {
      const certs = makeTestCertificates();
      try {
        const tls = { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key };
        const result = await bus.request(
          'network.balancing.configure',
          {
            cluster: 'mtls',
            tls,
            endpoints: [{ origin: 'https://127.0.0.1:9', tls: { servername: 'localhost' } }],
          },
          BUS_TIMEOUT,
        );
        expect(result.applied.tls).toEqual({ ca: certs.ca.cert, cert: certs.client.cert });
        expect(JSON.stringify(result)).not.toContain(certs.client.key);
        const client = services.get<NetworkClient>(TOKENS.NetworkClient);
        const inForce = client.settings().clusters.find((c) => c.cluster === 'mtls')!;
        expect(inForce.tls?.key).toBe(certs.client.key);
      } finally {
        certs.remove();
      }
    });

    it('when invalid, rejects with a ConfigError and keeps the old cluster', async () => {
      await expect(agent.implementLoadBalancing({ cluster: 'api', endpoints: [] })).rejects.toThrow(
        ConfigError,
      );
      await expect(agent.implementLoadBalancing({ cluster: 'new' })).rejects.toThrow(ConfigError);
      expect((await agent.implementLoadBalancing({ cluster: 'api' })).stats.algorithm).toBe('round-robin');
    });
  });

  describe('.implementCircuitBreaker()', () => {
    it('applies a valid config', async () => {
      const result = await bus.request('network.breaker.configure', { volumeThreshold: 10 }, BUS_TIMEOUT);
      expect(result.applied.volumeThreshold).toBe(10);
    });

    it('reports the open-circuit fallback in force, and none once it is taken back with null', async () => {
      const fallback = { status: 503, body: { error: 'down' } };
      const set = await bus.request('network.breaker.configure', { fallback }, BUS_TIMEOUT);
      expect(set.applied.fallback).toEqual(fallback);
      expect((await bus.request('network.breaker.configure', {}, BUS_TIMEOUT)).applied.fallback).toEqual(
        fallback,
      );
      const cleared = await bus.request('network.breaker.configure', { fallback: null }, BUS_TIMEOUT);
      expect(cleared.applied.fallback).toBeNull();
    });

    it("when a cluster's settings precede a global change, reports each scope's own settings (regression: cluster settings reported as global)", async () => {
      const clustered = await agent.implementCircuitBreaker({ cluster: 'api', volumeThreshold: 7 });
      expect(clustered.applied).toMatchObject({ cluster: 'api', volumeThreshold: 7 });
      const global = await agent.implementCircuitBreaker({ resetTimeoutMs: 12_345 });
      expect(global.applied).not.toHaveProperty('cluster');
      expect(global.applied.volumeThreshold).not.toBe(7);
      expect(global.applied.resetTimeoutMs).toBe(12_345);
      const api = await agent.implementCircuitBreaker({ cluster: 'api' });
      expect(api.applied).toMatchObject({ cluster: 'api', volumeThreshold: 7, resetTimeoutMs: 12_345 });
    });

    it('when invalid, rejects with a ConfigError and keeps the old config', async () => {
      await expect(agent.implementCircuitBreaker({ cluster: 'nope' })).rejects.toThrow(ConfigError);
      await expect(agent.implementCircuitBreaker({ errorThresholdPercentage: 150 })).rejects.toThrow(
        ConfigError,
      );
      expect((await agent.implementCircuitBreaker({})).applied.volumeThreshold).toBe(10);
      expect((await agent.implementCircuitBreaker({})).applied.resetTimeoutMs).toEqual(expect.any(Number));
    });
  });

  describe('.implementNetworkMonitoring()', () => {
    it('applies alert rules and returns health measured from the requests in the window', async () => {
      const network = services.get<NetworkClient>(TOKENS.NetworkClient);
      const before = await agent.implementNetworkMonitoring({});
      for (const u of upstreams) u.setBehaviour([{ match: { path: '/broken' }, behaviour: { status: 500 } }]);
      for (let i = 0; i < 10; i++)
        await network.request({ path: '/broken', cluster: 'api' }, { idempotent: false });
      const result = await bus.request(
        'network.monitoring.configure',
        { alertRules: [{ name: 'slow', metric: 'latencyP99', comparator: '>', threshold: 5_000 }] },
        BUS_TIMEOUT,
      );
      for (const u of upstreams) u.setBehaviour([]);
      expect(result.applied.alertRules).toHaveLength(1);
      expect(result.metrics.requests - before.metrics.requests).toBeGreaterThanOrEqual(10);
      expect(result.metricsCollected).toBeGreaterThan(before.metricsCollected);
      // The failed requests are in the window: the score fell below a clean window's 100.
      expect(result.health.availability).toBeLessThan(1);
      expect(result.health.score).toBeLessThan(100);
    });

    it('when the objective and window change, applies them and reports them in force', async () => {
      const result = await bus.request(
        'network.monitoring.configure',
        { sloLatencyMs: 500, windowMs: 30_000 },
        BUS_TIMEOUT,
      );
      expect(result.applied).toMatchObject({ sloLatencyMs: 500, windowMs: 30_000 });
      expect(result.health.sloLatencyMs).toBe(500);
      expect(result.metrics.requests).toBe(0);
    });

    it('when the admin server gets a bearer token over the bus, applies it and never echoes it in the reply', async () => {
      const result = await bus.request(
        'network.monitoring.configure',
        { admin: { port: 0, bearerToken: 'n0t-for-the-bus' } },
        BUS_TIMEOUT,
      );
      expect(result.applied.admin).toMatchObject({ port: 0, host: '127.0.0.1' });
      expect(JSON.stringify(result)).not.toContain('n0t-for-the-bus');
      const admin = services.get<AdminServer>(TOKENS.AdminServer);
      expect(admin.settings.bearerToken).toBe('n0t-for-the-bus');
    });

    it('when a setting is invalid, rejects with a ConfigError and keeps the old config', async () => {
      await expect(agent.implementNetworkMonitoring({ windowMs: -1 })).rejects.toThrow(/windowMs/);
      await expect(agent.implementNetworkMonitoring({ sloLatencyMs: 0, windowMs: 10_000 })).rejects.toThrow(
        ConfigError,
      );
      const rules = [{ name: 'bad', metric: 'nope', comparator: '>', threshold: 1 }];
      await expect(
        agent.implementNetworkMonitoring({ alertRules: rules as never, windowMs: 10_000 }),
      ).rejects.toThrow(ConfigError);
      const kept = await agent.implementNetworkMonitoring({});
      expect(kept.applied).toMatchObject({ sloLatencyMs: 500, windowMs: 30_000 });
      expect(kept.applied.alertRules).toHaveLength(1);
    });

    it('when tracing or the access log would change, refuses it (they are set at start) and keeps the rest', async () => {
      const before = await agent.implementNetworkMonitoring({});
      await expect(
        agent.implementNetworkMonitoring({
          tracing: { enabled: true },
          accessLog: { enabled: false, sampleRate: 0.5 },
          sloLatencyMs: before.applied.sloLatencyMs! + 1,
        }),
      ).rejects.toThrow(/tracing\.enabled: expected the value in force, false.*accessLog\.sampleRate/);
      const kept = await agent.implementNetworkMonitoring({ tracing: { enabled: false }, accessLog: {} });
      expect(kept.applied.sloLatencyMs).toBe(before.applied.sloLatencyMs);
    });

    it('when the admin token changes while it runs, restarts the admin server behind the new token', async () => {
      const on = await agent.implementNetworkMonitoring({ admin: { enabled: true, port: 0 } });
      try {
        const moved = await agent.implementNetworkMonitoring({ admin: { bearerToken: 't0ken' } });
        expect(moved.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const none = await fetch(`${moved.adminUrl!}/healthz`);
        const right = await fetch(`${moved.adminUrl!}/healthz`, {
          headers: { authorization: 'Bearer t0ken' },
        });
        await Promise.all([none.arrayBuffer(), right.arrayBuffer()]);
        expect([none.status, right.status]).toEqual([401, 200]);
        expect(on.adminUrl).toBeDefined();
      } finally {
        await agent.implementNetworkMonitoring({ admin: { enabled: false } });
      }
    });

    it('when switching the admin server on fails, nothing else is applied (regression: partial config)', async () => {
      const before = await agent.implementNetworkMonitoring({});
      const taken = Number(new URL(upstreams[0]!.origin).port);
      await expect(
        agent.implementNetworkMonitoring({
          admin: { enabled: true, port: taken },
          sloLatencyMs: before.applied.sloLatencyMs! + 1,
          windowMs: before.applied.windowMs! + 1_000,
        }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const kept = await agent.implementNetworkMonitoring({});
      expect(kept.adminUrl).toBeUndefined();
      expect(kept.applied.sloLatencyMs).toBe(before.applied.sloLatencyMs);
      expect(kept.applied.windowMs).toBe(before.applied.windowMs);
      expect(kept.applied.admin?.port).toBe(before.applied.admin?.port);
    });

    it('when the admin port is taken, rejects and keeps the old address and settings', async () => {
      const on = await agent.implementNetworkMonitoring({ admin: { enabled: true, port: 0 } });
      try {
        const taken = Number(new URL(upstreams[0]!.origin).port);
        await expect(
          agent.implementNetworkMonitoring({ admin: { port: taken }, alertRules: [] }),
        ).rejects.toMatchObject({ code: 'EADDRINUSE' });
        const kept = await agent.implementNetworkMonitoring({});
        expect(kept.adminUrl).toBeDefined();
        expect(kept.applied.admin?.port).toBe(on.applied.admin?.port);
        expect(kept.applied.alertRules).toHaveLength(1);
      } finally {
        await agent.implementNetworkMonitoring({ admin: { enabled: false } });
      }
    });
  });

  describe('.implementAdvancedRouting()', () => {
    it('applies a valid route table and returns routing stats', async () => {
      const result = await bus.request(
        'network.routing.configure',
        { routes: [{ id: 'all', match: { path: '/' }, cluster: 'api' }] },
        BUS_TIMEOUT,
      );
      expect(result.stats.routes).toBe(1);
    });

    it('changes the default class over the bus; an unknown one is refused and the old stays', async () => {
      const before = await bus.request('network.routing.configure', {}, BUS_TIMEOUT);
      expect(before.applied.defaultClass).toBe('standard');
      const changed = await bus.request('network.routing.configure', { defaultClass: 'bulk' }, BUS_TIMEOUT);
      expect(changed.applied.defaultClass).toBe('bulk');
      await expect(agent.implementAdvancedRouting({ defaultClass: 'gold' })).rejects.toThrow(ConfigError);
      expect((await agent.implementAdvancedRouting({})).applied.defaultClass).toBe('bulk');
      await bus.request('network.routing.configure', { defaultClass: 'standard' }, BUS_TIMEOUT);
    });

    it('with an empty payload changes nothing and reports the concurrency settings in force', async () => {
      const before = await bus.request('network.routing.configure', {}, BUS_TIMEOUT);
      expect(before.applied.adaptiveConcurrency?.enabled).toBe(true);
      expect(before.applied.adaptiveConcurrency?.initialLimit).toBeGreaterThanOrEqual(1);
      await bus.request('network.routing.configure', { adaptiveConcurrency: { maxLimit: 500 } }, BUS_TIMEOUT);
      const after = await bus.request('network.routing.configure', {}, BUS_TIMEOUT);
      expect(after.applied.adaptiveConcurrency).toMatchObject({ enabled: true, maxLimit: 500 });
      expect(after.stats.routes).toBe(before.stats.routes);
    });

    it('when invalid, rejects with a ConfigError and keeps the old table', async () => {
      await expect(
        agent.implementAdvancedRouting({ routes: [{ id: 'x', match: {}, cluster: 'missing' }] }),
      ).rejects.toThrow(ConfigError);
      expect((await agent.implementAdvancedRouting({})).stats.routes).toBe(1);
    });
  });

  describe('.benchmarkNetworkPerformance()', () => {
    it('measures the workload without the pipeline (baseline) and through it, warmed, in interleaved pairs of blocks (regression: one unpaired pass each)', async () => {
      const result = await bus.request('network.benchmark', { requests: 62, concurrency: 4 }, BUS_TIMEOUT);
      expect(result.pairs).toBe(AB_PAIRS);
      expect(result.baseline.requests).toBe(6);
      expect(result.candidate.requests).toBe(6);
      for (const k of ['throughput', 'latencyP99', 'latency'] as const) {
        const [low, high] = result.ranges[k];
        expect(low).toBeLessThanOrEqual(result.ratios[k]);
        expect(result.ratios[k]).toBeLessThanOrEqual(high);
      }
      expect(result.baseline.efficiency).toBe(0);
      expect(result.candidate.efficiency).toBeGreaterThan(0.5);
      expect(result.baseline.label).toMatch(/new connection per request/);
      expect(result.baseline.latencyP50).toBeGreaterThanOrEqual(2);
      expect(result.machine.cores).toBeGreaterThan(0);
    });

    it('when the payload is unbounded, replies with a typed error', async () => {
      await expect(
        bus.request('network.benchmark', { requests: 10_000_000 }, BUS_TIMEOUT),
      ).rejects.toMatchObject({ remote: { code: 'SLIP_ERR_CONFIG' } });
    });
  });

  describe('.optimizeNetworkPerformance()', () => {
    let result: NetworkOptimizationResult;

    beforeAll(async () => {
      result = await bus.request('network.optimize', {}, BUS_TIMEOUT);
    });

    it('on a system with nothing measured past a threshold, changes nothing and claims nothing', async () => {
      expect(result.success).toBe(true);
      expect(result.measurement.workload.requests).toBeGreaterThanOrEqual(60); // on past 60 until it lasted 250 ms
      expect(result.measurement.pools.every((p) => p.samples > 0)).toBe(true);
      expect(result.plan).toEqual([]);
      expect(result.verdict).toBe('nothing to change');
      expect(result.comparison).toBeUndefined();
      expect(result.blocks).toEqual([]);
      expect(result.applied).toBe(false);
      expect((await agent.implementConnectionPooling({})).applied.connections).toBe(8);
    });

    it('measures the probe on a warmed pipeline (regression: connection warm-up measured as the system)', () => {
      expect(result.performanceMetrics.efficiency).toBeGreaterThan(0.5);
    });

    it('when the payload is malformed, replies with a typed error', async () => {
      await expect(
        bus.request('network.optimize', { now: true } as never, BUS_TIMEOUT),
      ).rejects.toMatchObject({
        remote: { code: 'SLIP_ERR_CONFIG' },
      });
    });
  });
});
