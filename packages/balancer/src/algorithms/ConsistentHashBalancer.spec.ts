import { EndpointState } from '../EndpointState';
import { ConsistentHashBalancer } from './ConsistentHashBalancer';
import { ConfigError } from '@slipstream/contracts';

const endpoints = [1, 2, 3, 4, 5].map((i) => new EndpointState(`http://10.0.0.${i}:80`));
const keys = Array.from({ length: 10_000 }, (_, i) => `session-${i}`);

function assign(balancer: ConsistentHashBalancer, candidates: readonly EndpointState[]): Map<string, string> {
  return new Map(keys.map((key) => [key, balancer.pick(candidates, { key, now: 0 })!.origin]));
}

describe(ConsistentHashBalancer, () => {
  describe('.pick()', () => {
    it('when the same key comes again, picks the same endpoint', () => {
      const balancer = new ConsistentHashBalancer();
      const first = balancer.pick(endpoints, { key: 'user-42', now: 0 });
      expect(balancer.pick([...endpoints].reverse(), { key: 'user-42', now: 0 })).toBe(first);
    });

    it('when 10 000 keys spread over 5 endpoints, each holds a fair share', () => {
      const counts = new Map<string, number>();
      for (const origin of assign(new ConsistentHashBalancer(), endpoints).values())
        counts.set(origin, (counts.get(origin) ?? 0) + 1);
      for (const count of counts.values()) expect(count).toBeGreaterThan(1_400);
    });

    it('when an endpoint leaves, only the keys it held move (≤ 1/5 + 5 % of all keys)', () => {
      const balancer = new ConsistentHashBalancer();
      const before = assign(balancer, endpoints);
      const leaving = endpoints[2]!.origin;
      const after = assign(
        balancer,
        endpoints.filter((e) => e.origin !== leaving),
      );
      let moved = 0;
      for (const key of keys) {
        if (before.get(key) === after.get(key)) continue;
        moved += 1;
        expect(before.get(key)).toBe(leaving);
      }
      expect(moved).toBe([...before.values()].filter((o) => o === leaving).length);
      expect(moved / keys.length).toBeLessThanOrEqual(0.25);
    });

    it('when there is no key, spreads by weight', () => {
      const balancer = new ConsistentHashBalancer({}, () => 0.99);
      expect(balancer.pick(endpoints, { now: 0 })).toBe(endpoints[4]);
    });
  });

  describe('constructor', () => {
    it('when virtualNodes is not a positive integer, throws ConfigError naming it', () => {
      expect(() => new ConsistentHashBalancer({ virtualNodes: 0 })).toThrow(ConfigError);
      expect(() => new ConsistentHashBalancer({ virtualNodes: 0 })).toThrow(
        /virtualNodes: expected a positive integer, received 0/,
      );
    });
  });
});
