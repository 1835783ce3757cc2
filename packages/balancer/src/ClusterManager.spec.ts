import { Container } from 'inversify';
import { TOKENS } from '@slipstream/contracts';
import type { EventBus } from '@slipstream/contracts';
import { ClusterManager } from './ClusterManager';
import { HealthChecker } from './HealthChecker';

describe('ClusterManager', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.configure()', () => {
    const probed: string[] = [];
    const manager = (): ClusterManager =>
      new ClusterManager(
        new HealthChecker({
          probe: (origin, path) => {
            probed.push(origin + path);
            return Promise.resolve(false);
          },
          random: () => 0,
        }),
      );
    beforeEach(() => probed.splice(0));

    it('when the config has no healthCheck, probes nothing', async () => {
      const m = manager();
      m.configure({ cluster: 'api', endpoints: [{ origin: 'http://a:1' }] });
      await jest.advanceTimersByTimeAsync(60_000);
      expect(probed).toEqual([]);
      m.close();
    });

    it('when a reconfiguration turns health checks off, stops probing and lifts their verdicts', async () => {
      const m = manager();
      const config = { cluster: 'api', endpoints: [{ origin: 'http://a:1' }] };
      const cluster = m.configure({ ...config, healthCheck: { intervalMs: 10, unhealthyThreshold: 1 } });
      await jest.advanceTimersByTimeAsync(0);
      expect(probed).toEqual(['http://a:1/health']);
      expect(cluster.endpoints[0]!.healthy).toBe(false);
      expect(m.configure(config)).toBe(cluster);
      expect(cluster.endpoints[0]!.healthy).toBe(true);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(probed).toHaveLength(1);
      m.close();
    });

    it('when an endpoint is ejected, publishes network.endpoint.ejected on the bus', () => {
      const published: Array<[string, unknown]> = [];
      const bus = {
        publish: (topic: string, payload: unknown) => {
          published.push([topic, payload]);
          return Promise.resolve();
        },
      } as unknown as EventBus;
      const container = new Container();
      container.bind(TOKENS.EventBus).toConstantValue(bus);
      container.bind(TOKENS.HealthChecker).to(HealthChecker).inSingletonScope();
      container.bind(TOKENS.ClusterManager).to(ClusterManager).inSingletonScope();
      const manager = container.get<ClusterManager>(TOKENS.ClusterManager);
      const cluster = manager.configure({
        cluster: 'api',
        endpoints: [{ origin: 'http://a:1' }, { origin: 'http://b:1' }],
        outlierDetection: { consecutiveFailures: 1 },
        healthCheck: { intervalMs: 60_000 },
      });
      const a = cluster.endpoint('http://a:1')!;
      cluster.onStart(a);
      cluster.onEnd(a, { rttMs: 1, effect: 'failure' });
      expect(published).toEqual([
        [
          'network.endpoint.ejected',
          { cluster: 'api', endpoint: 'http://a:1', durationMs: 30_000, failures: 1 },
        ],
      ]);
      expect(manager.stats()[0]!.endpoints[0]).toMatchObject({ ejected: true, failures: 1 });
      manager.close();
      expect(manager.get('api')).toBeUndefined();
    });
  });
});
