import { Container } from 'inversify';
import { TOKENS } from '@slipstream/contracts';
import type { EventBus } from '@slipstream/contracts';
import { balancerModule } from './balancerModule';
import type { ClusterManager } from './ClusterManager';

describe('ClusterManager', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.configure()', () => {
    it('when an endpoint is ejected, publishes network.endpoint.ejected on the bus', async () => {
      const published: Array<[string, unknown]> = [];
      const bus = {
        publish: (topic: string, payload: unknown) => {
          published.push([topic, payload]);
          return Promise.resolve();
        },
      } as unknown as EventBus;
      const container = new Container();
      container.bind(TOKENS.EventBus).toConstantValue(bus);
      await container.load(balancerModule);
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
