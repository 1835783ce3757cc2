import type { EndpointState } from '../EndpointState';
import type { LoadBalancer, PickContext } from '../LoadBalancer';
import type { RandomSource } from '../random';
import { powerOfTwoChoices } from './powerOfTwoChoices';

/** Power of two choices on requests in flight (per unit of effective weight). */
export class LeastOutstandingBalancer implements LoadBalancer {
  readonly name = 'least-outstanding';

  constructor(private readonly random: RandomSource = Math.random) {}

  pick(endpoints: readonly EndpointState[], _ctx: PickContext): EndpointState | undefined {
    return powerOfTwoChoices(
      endpoints,
      this.random,
      (e) => (e.inflight + 1) / Math.max(e.effectiveWeight, 1e-9),
    );
  }
}
