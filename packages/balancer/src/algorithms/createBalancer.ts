import { ConfigError } from '@slipstream/contracts';
import type { BalancerAlgorithm } from '@slipstream/contracts';
import type { LoadBalancer } from '../LoadBalancer';
import type { RandomSource } from '../random';
import { ConsistentHashBalancer } from './ConsistentHashBalancer';
import { LeastOutstandingBalancer } from './LeastOutstandingBalancer';
import { PeakEwmaBalancer } from './PeakEwmaBalancer';
import { RandomBalancer } from './RandomBalancer';
import { RoundRobinBalancer } from './RoundRobinBalancer';

/** Builds one cluster's balancer; `random` is the cluster's random source. */
export type BalancerFactory = (random: RandomSource) => LoadBalancer;

/**
 * The implementation of every algorithm name a cluster config may give (`algorithm`). The
 * client resolves it from the container (`TOKENS.BalancerAlgorithms`), so a container module
 * may rebind it to replace a named algorithm's implementation with its own.
 */
export type BalancerAlgorithmRegistry = Readonly<Record<BalancerAlgorithm, BalancerFactory>>;

/** The built-in implementations. */
export const DEFAULT_BALANCER_ALGORITHMS: BalancerAlgorithmRegistry = Object.freeze({
  'round-robin': () => new RoundRobinBalancer(),
  random: (random) => new RandomBalancer(random),
  'least-outstanding': (random) => new LeastOutstandingBalancer(random),
  'p2c-peak-ewma': (random) => new PeakEwmaBalancer(random),
  'consistent-hash': (random) => new ConsistentHashBalancer({}, random),
});

/** The algorithm names `createBalancer` accepts. */
export const BALANCER_ALGORITHMS = Object.freeze(
  Object.keys(DEFAULT_BALANCER_ALGORITHMS) as BalancerAlgorithm[],
);

/** Creates a load balancer by name from `algorithms`; throws `ConfigError` for an unknown name. */
export function createBalancer(
  name: BalancerAlgorithm,
  random: RandomSource = Math.random,
  algorithms: BalancerAlgorithmRegistry = DEFAULT_BALANCER_ALGORITHMS,
): LoadBalancer {
  const factory = Object.hasOwn(algorithms, name) ? algorithms[name] : undefined;
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
