import type { EndpointState } from '../EndpointState';
import type { LoadBalancer, PickContext } from '../LoadBalancer';
import type { RandomSource } from '../random';

/** Picks an endpoint at random with probability proportional to its effective weight. */
export class RandomBalancer implements LoadBalancer {
  readonly name = 'random';

  constructor(private readonly random: RandomSource = Math.random) {}

  pick(endpoints: readonly EndpointState[], _ctx: PickContext): EndpointState | undefined {
    return weightedRandom(endpoints, this.random);
  }
}

/** One endpoint drawn with probability ∝ effective weight (uniform when all weights are 0). */
export function weightedRandom(
  endpoints: readonly EndpointState[],
  random: RandomSource,
): EndpointState | undefined {
  const total = endpoints.reduce((sum, e) => sum + e.effectiveWeight, 0);
  if (total <= 0) return endpoints[Math.floor(random() * endpoints.length)];
  let point = random() * total;
  for (const endpoint of endpoints) {
    point -= endpoint.effectiveWeight;
    if (point < 0) return endpoint;
  }
  return endpoints[endpoints.length - 1];
}
