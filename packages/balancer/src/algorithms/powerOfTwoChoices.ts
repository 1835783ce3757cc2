import type { EndpointState } from '../EndpointState';
import type { RandomSource } from '../random';
import { weightedRandom } from './RandomBalancer';

/**
 * Power of two choices: draws two distinct endpoints (weighted) and returns the one with the
 * lower cost. With one candidate, returns it.
 */
export function powerOfTwoChoices(
  endpoints: readonly EndpointState[],
  random: RandomSource,
  cost: (endpoint: EndpointState) => number,
): EndpointState | undefined {
  const first = weightedRandom(endpoints, random);
  if (!first || endpoints.length < 2) return first;
  const second = weightedRandom(endpoints, random, first);
  if (!second) return first;
  return cost(second) < cost(first) ? second : first;
}
