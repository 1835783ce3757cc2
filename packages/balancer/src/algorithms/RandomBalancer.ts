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

/**
 * One endpoint drawn with probability ∝ effective weight (uniform when all weights are 0),
 * leaving `except` out when given (without copying the list: this runs on every pick).
 */
export function weightedRandom(
  endpoints: readonly EndpointState[],
  random: RandomSource,
  except?: EndpointState,
): EndpointState | undefined {
  let total = 0;
  let count = 0;
  for (const e of endpoints) {
    if (e === except) continue;
    total += e.effectiveWeight;
    count++;
  }
  if (count === 0) return undefined;
  if (total <= 0) {
    let index = Math.floor(random() * count);
    for (const e of endpoints) if (e !== except && index-- === 0) return e;
  }
  let point = random() * total;
  let last: EndpointState | undefined;
  for (const endpoint of endpoints) {
    if (endpoint === except) continue;
    last = endpoint;
    point -= endpoint.effectiveWeight;
    if (point < 0) return endpoint;
  }
  return last;
}
