import { ConfigError, NoHealthyEndpointError } from '@slipstream/contracts';
import type { EndpointConfig, LoadBalancingConfig } from '@slipstream/contracts';
import { Cluster } from './Cluster';
import type { ClusterHooks } from './Cluster';
import { HealthChecker } from './HealthChecker';
import { seededRandom } from './random';

const origins = [1, 2, 3, 4, 5].map((i) => `http://10.0.0.${i}:80`);
const fiveEndpoints: EndpointConfig[] = origins.map((origin) => ({ origin }));

function cluster(config: Partial<LoadBalancingConfig> = {}, hooks: ClusterHooks = {}): Cluster {
  return new Cluster(
    { cluster: 'api', endpoints: fiveEndpoints, ...config },
    { random: seededRandom(9), hooks },
  );
}

describe(Cluster, () => {
  afterEach(() => jest.useRealTimers());

  describe('constructor', () => {
    it('when slow start is configured, the configured endpoints start at full weight', () => {
      const c = cluster({ slowStartMs: 10_000, algorithm: 'random' });
      c.pick();
      expect(c.endpoints.map((e) => e.effectiveWeight)).toEqual([1, 1, 1, 1, 1]);
      c.close();
    });

    it('when the config is invalid, throws ConfigError naming every bad field', () => {
      const bad = () =>
        new Cluster({
          cluster: 'api',
          endpoints: [{ origin: 'not-an-origin', weight: -1 }],
          panicThresholdPercent: 150,
          outlierDetection: { consecutiveFailures: 0 },
        });
      expect(bad).toThrow(ConfigError);
      expect(bad).toThrow(
        /endpoints\[0\]\.origin.*endpoints\[0\]\.weight.*outlierDetection\.consecutiveFailures.*panicThresholdPercent/,
      );
    });
  });

  describe('.reconfigure()', () => {
    it('keeps the state of endpoints that stay, builds new ones fresh and forgets removed ones', () => {
      const c = cluster({ algorithm: 'round-robin', outlierDetection: { consecutiveFailures: 1 } });
      const kept = c.endpoint(origins[0]!)!;
      c.onStart(kept);
      c.onEnd(kept, { rttMs: 40, effect: 'failure' });
      c.onStart(kept);
      c.setHealthy(origins[1]!, false);
      c.reconfigure({
        cluster: 'api',
        algorithm: 'least-outstanding',
        endpoints: [{ origin: origins[0]!, weight: 3 }, { origin: origins[1]! }, { origin: 'http://new:80' }],
      });
      expect(c.algorithm).toBe('least-outstanding');
      expect(c.endpoint(origins[0]!)).toBe(kept);
      expect(kept).toMatchObject({ ejected: true, inflight: 1, failures: 1, weight: 3 });
      expect(c.endpoint(origins[1]!)!.healthy).toBe(false);
      expect(c.endpoint('http://new:80')).toMatchObject({ requests: 0, healthy: true, ejected: false });
      expect(c.endpoint(origins[4]!)).toBeUndefined();
      c.onEnd(kept, { rttMs: 1, effect: 'success' });
      expect(kept.inflight).toBe(0);
      c.close();
    });

    it('when the config is invalid or names another cluster, throws ConfigError and changes nothing', () => {
      const c = cluster({ algorithm: 'random' });
      expect(() => c.reconfigure({ cluster: 'other', endpoints: fiveEndpoints })).toThrow(ConfigError);
      expect(() => c.reconfigure({ cluster: 'api', endpoints: [{ origin: 'ftp://x' }] })).toThrow(
        ConfigError,
      );
      expect(c.endpoints).toHaveLength(5);
      expect(c.algorithm).toBe('random');
    });
  });

  describe('.stats()', () => {
    it('reports panic from the endpoints as they are now, without a pick', () => {
      const c = cluster({ panicThresholdPercent: 50 });
      for (const origin of origins.slice(0, 3)) c.setHealthy(origin, false);
      expect(c.stats().panic).toBe(true);
      c.setHealthy(origins[0]!, true);
      expect(c.stats().panic).toBe(false);
    });
  });

  describe('.pick()', () => {
    it('when every endpoint was removed, throws NoHealthyEndpointError', () => {
      const c = cluster({ endpoints: [{ origin: origins[0]! }] });
      c.removeEndpoint(origins[0]!);
      expect(() => c.pick()).toThrow(NoHealthyEndpointError);
    });

    it('when origins are excluded, picks another one', () => {
      const c = cluster({ algorithm: 'random' });
      const exclude = new Set(origins.slice(0, 4));
      for (let i = 0; i < 20; i++) expect(c.pick({ exclude }).origin).toBe(origins[4]);
    });

    it('when every candidate is excluded, still picks one rather than failing', () => {
      const c = cluster({ endpoints: [{ origin: origins[0]! }] });
      expect(c.pick({ exclude: new Set([origins[0]!]) }).origin).toBe(origins[0]);
    });

    it('when an endpoint is unhealthy, does not pick it', () => {
      const c = cluster({ algorithm: 'round-robin' });
      c.setHealthy(origins[0]!, false);
      const picked = new Set(Array.from({ length: 20 }, () => c.pick().origin));
      expect(picked.has(origins[0]!)).toBe(false);
      expect(picked.size).toBe(4);
    });

    it('when fewer than the panic threshold are healthy, routes to all endpoints (panic)', () => {
      const c = cluster({ algorithm: 'round-robin', panicThresholdPercent: 50 });
      for (const origin of origins.slice(0, 3)) c.setHealthy(origin, false);
      const picked = new Set(Array.from({ length: 10 }, () => c.pick().origin));
      expect(picked.size).toBe(5);
      expect(c.stats().panic).toBe(true);
    });

    it('when the primary tier drops below the failover threshold, spills to the backup and returns', () => {
      const failovers: Array<[number, number]> = [];
      const c = new Cluster(
        {
          cluster: 'api',
          algorithm: 'round-robin',
          failoverThresholdPercent: 70,
          endpoints: [...fiveEndpoints, { origin: 'http://backup:80', tier: 1 }],
        },
        { hooks: { onFailover: (from, to) => failovers.push([from, to]) } },
      );
      c.setHealthy(origins[0]!, false);
      expect(c.pick().tier).toBe(0);
      c.setHealthy(origins[1]!, false);
      expect(c.pick().origin).toBe('http://backup:80');
      expect(c.stats().activeTier).toBe(1);
      c.setHealthy(origins[1]!, true);
      expect(c.pick().tier).toBe(0);
      expect(failovers).toEqual([
        [0, 1],
        [1, 0],
      ]);
    });

    it('when sticky keys come from a header or a cookie, the same key sticks to one endpoint', () => {
      const byHeader = cluster({
        algorithm: 'consistent-hash',
        sticky: { source: 'header', name: 'X-User' },
      });
      const a = byHeader.pick({ headers: { 'x-user': 'alice' } });
      for (let i = 0; i < 10; i++) expect(byHeader.pick({ headers: { 'x-user': 'alice' } })).toBe(a);
      const byCookie = cluster({ algorithm: 'consistent-hash', sticky: { source: 'cookie', name: 'sid' } });
      const b = byCookie.pick({ headers: { cookie: 'theme=dark; sid=alice' } });
      expect(byCookie.pick({ stickyKey: 'alice' })).toBe(b);
    });

    it('when a sticky key is given to an algorithm without a ring, it keeps its endpoint while available, then is re-picked', () => {
      const c = cluster({ algorithm: 'p2c-peak-ewma' });
      const first = c.pick({ stickyKey: 'k' });
      for (let i = 0; i < 20; i++) expect(c.pick({ stickyKey: 'k' })).toBe(first);
      c.setHealthy(first.origin, false);
      const second = c.pick({ stickyKey: 'k' });
      expect(second).not.toBe(first);
      c.setHealthy(first.origin, true);
      for (let i = 0; i < 20; i++) expect(c.pick({ stickyKey: 'k' })).toBe(second);
    });

    it('when an endpoint recovers with slow start, its weight ramps up over slowStartMs', () => {
      jest.useFakeTimers({ now: 0 });
      const c = cluster({ slowStartMs: 10_000, algorithm: 'random' });
      c.setHealthy(origins[0]!, false);
      c.setHealthy(origins[0]!, true);
      c.pick();
      expect(c.endpoint(origins[0]!)!.effectiveWeight).toBeCloseTo(0.1);
      jest.setSystemTime(5_000);
      c.pick();
      expect(c.endpoint(origins[0]!)!.effectiveWeight).toBeCloseTo(0.5);
      jest.setSystemTime(20_000);
      c.pick();
      expect(c.endpoint(origins[0]!)!.effectiveWeight).toBe(1);
    });
  });

  describe('.setHealthy()', () => {
    it('when a failed endpoint is marked healthy again, P2C + peak EWMA gives it traffic at once (estimate re-seeded from the median)', () => {
      jest.useFakeTimers({ now: 0 });
      const c = cluster();
      const [victim, ...rest] = c.endpoints;
      for (const e of rest) {
        c.onStart(e);
        c.onEnd(e, { rttMs: 10, effect: 'success' });
      }
      c.onStart(victim!);
      c.onEnd(victim!, { rttMs: 1, effect: 'failure' });
      c.setHealthy(victim!.origin, false);
      jest.setSystemTime(1_000);
      c.setHealthy(victim!.origin, true);

      expect(victim!.ewmaMs(1_000)).toBeCloseTo(rest[0]!.ewmaMs(1_000), 6);
      const picks = Array.from({ length: 100 }, () => c.pick()).filter((e) => e === victim).length;
      expect(picks).toBeGreaterThan(10);
      c.close();
    });
  });

  describe('.onEnd()', () => {
    it('when an endpoint is killed mid-run, clients see no failure; it is ejected after ≤ 5 failures and taken back after health checks', async () => {
      jest.useFakeTimers({ now: 0 });
      const dead = new Set<string>();
      const events: string[] = [];
      let deadHitsBeforeEjection = 0;
      const c = new Cluster(
        { cluster: 'api', algorithm: 'round-robin', endpoints: fiveEndpoints },
        {
          hooks: {
            onEjected: (e, durationMs, failures) =>
              events.push(`ejected ${e.origin} ${durationMs} ${failures}`),
            onRestored: (e) => events.push(`restored ${e.origin}`),
          },
        },
      );
      const checker = new HealthChecker({
        probe: (origin) => Promise.resolve(!dead.has(origin)),
        random: () => 0,
      });
      const stop = checker.watch(c, { intervalMs: 5_000, healthyThreshold: 2, unhealthyThreshold: 3 });
      const victim = origins[2]!;
      let visibleFailures = 0;
      const request = (): void => {
        const exclude = new Set<string>();
        for (let attempt = 0; attempt < 3; attempt++) {
          const endpoint = c.pick({ exclude });
          c.onStart(endpoint);
          if (dead.has(endpoint.origin)) {
            if (!endpoint.ejected) deadHitsBeforeEjection += 1;
            c.onEnd(endpoint, { rttMs: 1, effect: 'failure' });
            exclude.add(endpoint.origin);
            continue;
          }
          c.onEnd(endpoint, { rttMs: 10, effect: 'success' });
          return;
        }
        visibleFailures += 1;
      };

      for (let i = 0; i < 1_000; i++) {
        if (i === 100) dead.add(victim);
        if (i === 500) dead.delete(victim);
        request();
        await jest.advanceTimersByTimeAsync(100);
      }
      stop();
      c.close();

      expect(visibleFailures).toBe(0);
      expect(deadHitsBeforeEjection).toBeLessThanOrEqual(5);
      expect(events).toEqual([`ejected ${victim} 30000 5`, `restored ${victim}`]);
      expect(c.endpoint(victim)).toMatchObject({ healthy: true, ejected: false });
      expect(c.stats().endpoints.find((e) => e.origin === victim)!.requests).toBeGreaterThan(100);
    });

    it('when an ejection ends, the endpoint comes back with the median estimate instead of the failure penalty', () => {
      jest.useFakeTimers({ now: 0 });
      const restored: string[] = [];
      const c = cluster(
        { outlierDetection: { consecutiveFailures: 1, baseEjectionMs: 1_000 } },
        { onRestored: (e) => restored.push(e.origin) },
      );
      const [victim, ...rest] = c.endpoints;
      for (const e of rest) {
        c.onStart(e);
        c.onEnd(e, { rttMs: 20, effect: 'success' });
      }
      c.onStart(victim!);
      c.onEnd(victim!, { rttMs: 1, effect: 'failure' });
      expect(victim!.ejected).toBe(true);
      expect(victim!.ewmaMs(0)).toBe(1_000);
      jest.advanceTimersByTime(1_000);

      expect(restored).toEqual([victim!.origin]);
      expect(victim!.ejected).toBe(false);
      expect(victim!.ewmaMs(1_000)).toBeCloseTo(rest[0]!.ewmaMs(1_000), 6);
      c.close();
    });

    it('when the max ejection percent is reached, does not eject more', () => {
      jest.useFakeTimers({ now: 0 });
      const c = cluster({ outlierDetection: { consecutiveFailures: 1, maxEjectionPercent: 20 } });
      for (const e of c.endpoints) {
        c.onStart(e);
        c.onEnd(e, { rttMs: 1, effect: 'failure' });
      }
      expect(c.endpoints.filter((e) => e.ejected)).toHaveLength(1);
      c.close();
    });
  });
});
