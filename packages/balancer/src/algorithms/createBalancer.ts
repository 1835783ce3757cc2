import { ConfigError } from '@slipstream/contracts';
import type { BalancerAlgorithm } from '@slipstream/contracts';
import type { LoadBalancer } from '../LoadBalancer';
import type { RandomSource } from '../random';
import { ConsistentHashBalancer } from './ConsistentHashBalancer';
import { LeastOutstandingBalancer } from './LeastOutstandingBalancer';
import { PeakEwmaBalancer } from './PeakEwmaBalancer';
import { RandomBalancer } from './RandomBalancer';
import { RoundRobinBalancer } from './RoundRobinBalancer';

const FACTORIES: Readonly<Record<BalancerAlgorithm, (random: RandomSource) => LoadBalancer>> = Object.freeze({
  'round-robin': () => new RoundRobinBalancer(),
  random: (random) => new RandomBalancer(random),
  'least-outstanding': (random) => new LeastOutstandingBalancer(random),
  'p2c-peak-ewma': (random) => new PeakEwmaBalancer(random),
  'consistent-hash': (random) => new ConsistentHashBalancer({}, random),
});

/** The algorithm names `createBalancer` accepts. */
export const BALANCER_ALGORITHMS = Object.freeze(Object.keys(FACTORIES) as BalancerAlgorithm[]);

/** Creates a load balancer by name; throws `ConfigError` for an unknown name. */
export function createBalancer(name: BalancerAlgorithm, random: RandomSource = Math.random): LoadBalancer {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!factory) {
    throw new ConfigError([
      {
        path: 'algorithm',
        expected: `one of ${BALANCER_ALGORITHMS.join(', ')}`,
        received: JSON.stringify(name),
      },
    ]);
  }
  return factory(random);
}
