import { ConfigError } from '@slipstream/contracts';
import type { BalancerAlgorithm } from '@slipstream/contracts';
import { EndpointState } from '../EndpointState';
import { seededRandom } from '../random';
import { BALANCER_ALGORITHMS, createBalancer } from './createBalancer';
import { LeastOutstandingBalancer } from './LeastOutstandingBalancer';
import { RandomBalancer } from './RandomBalancer';
import { RoundRobinBalancer } from './RoundRobinBalancer';

function weighted(origin: string, weight: number): EndpointState {
  return new EndpointState(origin, { weight });
}

describe(createBalancer, () => {
  it.each(BALANCER_ALGORITHMS)('when asked for %s, returns a balancer of that name', (name) => {
    expect(createBalancer(name).name).toBe(name);
  });

  it('when the name is unknown, throws ConfigError naming the field', () => {
    expect(() => createBalancer('fastest' as BalancerAlgorithm)).toThrow(ConfigError);
    expect(() => createBalancer('fastest' as BalancerAlgorithm)).toThrow(/algorithm: expected one of/);
  });
});

describe(RoundRobinBalancer, () => {
  describe('.pick()', () => {
    it('when weights are 5:1:1, interleaves smoothly (nginx)', () => {
      const [a, b, c] = [weighted('http://a:1', 5), weighted('http://b:1', 1), weighted('http://c:1', 1)];
      const balancer = new RoundRobinBalancer();
      const order = Array.from({ length: 7 }, () => balancer.pick([a, b, c], { now: 0 })!.origin.slice(7, 8));
      expect(order.join('')).toBe('aabacaa');
    });
  });
});

describe(RandomBalancer, () => {
  describe('.pick()', () => {
    it('when weights are 3:1, picks in proportion', () => {
      const [a, b] = [weighted('http://a:1', 3), weighted('http://b:1', 1)];
      const balancer = new RandomBalancer(seededRandom(3));
      const picksA = Array.from({ length: 4_000 }, () => balancer.pick([a, b], { now: 0 })).filter(
        (e) => e === a,
      );
      expect(picksA.length / 4_000).toBeCloseTo(0.75, 1);
    });
  });
});

describe(LeastOutstandingBalancer, () => {
  describe('.pick()', () => {
    it('when of two endpoints one has requests in flight, picks the idle one', () => {
      const [busy, idle] = [weighted('http://a:1', 1), weighted('http://b:1', 1)];
      busy.start();
      busy.start();
      const balancer = new LeastOutstandingBalancer(seededRandom(5));
      for (let i = 0; i < 20; i++) expect(balancer.pick([busy, idle], { now: 0 })).toBe(idle);
    });
  });
});
