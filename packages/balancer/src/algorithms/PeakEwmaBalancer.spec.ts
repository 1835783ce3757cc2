import { Cluster } from '../Cluster';
import type { BalancerAlgorithm } from '@slipstream/contracts';
import { seededRandom } from '../random';
import { simulateLoad } from '../../test/simulateLoad';
import type { SimClock } from '../../test/simulateLoad';
import { EndpointState } from '../EndpointState';
import { PeakEwmaBalancer } from './PeakEwmaBalancer';

const ORIGINS = [1, 2, 3, 4, 5].map((i) => `http://10.0.0.${i}:80`);
const SLOW = ORIGINS[4]!;

function slowEndpointShare(algorithm: BalancerAlgorithm): number {
  const clock: SimClock = { now: 0 };
  const cluster = new Cluster(
    { cluster: 'sim', algorithm, endpoints: ORIGINS.map((origin) => ({ origin })) },
    { now: () => clock.now, random: seededRandom(42) },
  );
  const jitter = seededRandom(7);
  const counts = simulateLoad(cluster, clock, {
    requests: 20_000,
    concurrency: 16,
    warmup: 2_000,
    outcome: (origin) => ({ rttMs: 10 + jitter() * 4 + (origin === SLOW ? 100 : 0), effect: 'success' }),
  });
  cluster.close();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (counts.get(SLOW) ?? 0) / total;
}

describe(PeakEwmaBalancer, () => {
  describe('.pick()', () => {
    it('when one of 5 endpoints is 100 ms slower, sends it < 5 % of requests after warm-up', () => {
      expect(slowEndpointShare('p2c-peak-ewma')).toBeLessThan(0.05);
    });

    it('when the same load is balanced round-robin, the slow endpoint gets 20 %', () => {
      expect(slowEndpointShare('round-robin')).toBeCloseTo(0.2, 3);
    });

    it('when an endpoint fails fast with 503, it does not look fast', () => {
      const balancer = new PeakEwmaBalancer(seededRandom(1));
      const healthy = new EndpointState('http://a:1');
      const failing = new EndpointState('http://b:1');
      healthy.end({ rttMs: 20, effect: 'success' }, 0);
      failing.end({ rttMs: 1, effect: 'failure' }, 0);
      const picks = Array.from({ length: 100 }, () => balancer.pick([healthy, failing], { now: 10 }));
      expect(picks.every((p) => p === healthy)).toBe(true);
    });

    it('when an endpoint has no sample but requests in flight, prefers a measured one', () => {
      const balancer = new PeakEwmaBalancer(seededRandom(1));
      const measured = new EndpointState('http://a:1');
      const unmeasured = new EndpointState('http://b:1');
      measured.end({ rttMs: 50, effect: 'success' }, 0);
      unmeasured.start();
      expect(balancer.pick([unmeasured, measured], { now: 0 })).toBe(measured);
    });

    it('when there are no candidates, returns undefined', () => {
      expect(new PeakEwmaBalancer().pick([], { now: 0 })).toBeUndefined();
    });
  });
});
