import type { EndpointState } from '../EndpointState';
import type { LoadBalancer, PickContext } from '../LoadBalancer';

/**
 * Smooth weighted round-robin (nginx): each pick adds every candidate's effective weight to
 * its running score, takes the highest and subtracts the total from it. Weights 5:1:1 give
 * a a b a c a a, not a a a a a b c.
 */
export class RoundRobinBalancer implements LoadBalancer {
  readonly name = 'round-robin';
  private readonly current = new Map<string, number>();

  pick(endpoints: readonly EndpointState[], _ctx: PickContext): EndpointState | undefined {
    let total = 0;
    let best: EndpointState | undefined;
    let bestScore = -Infinity;
    for (const endpoint of endpoints) {
      const score = (this.current.get(endpoint.origin) ?? 0) + endpoint.effectiveWeight;
      this.current.set(endpoint.origin, score);
      total += endpoint.effectiveWeight;
      if (score > bestScore) {
        best = endpoint;
        bestScore = score;
      }
    }
    if (best) this.current.set(best.origin, bestScore - total);
    return best;
  }
}
