import type { EndpointState } from '../EndpointState';
import type { LoadBalancer, PickContext } from '../LoadBalancer';
import type { RandomSource } from '../random';
import { powerOfTwoChoices } from './powerOfTwoChoices';

/** Cost of an endpoint with no latency sample yet but requests in flight, ms (Finagle's penalty). */
const UNMEASURED_PENALTY_MS = 1e6;

/**
 * Power of two choices on peak-EWMA cost (Finagle / linkerd): score = EWMA(rtt) ×
 * (inflight + 1) ÷ effective weight. The default algorithm: a slow or fast-failing endpoint
 * (failures count as a latency penalty in `EndpointState`) quickly loses its share.
 */
export class PeakEwmaBalancer implements LoadBalancer {
  readonly name = 'p2c-peak-ewma';

  constructor(private readonly random: RandomSource = Math.random) {}

  pick(endpoints: readonly EndpointState[], ctx: PickContext): EndpointState | undefined {
    return powerOfTwoChoices(endpoints, this.random, (e) => {
      const rtt = e.ewmaMs(ctx.now);
      const cost = rtt === 0 && e.inflight > 0 ? UNMEASURED_PENALTY_MS + e.inflight : rtt * (e.inflight + 1);
      return cost / Math.max(e.effectiveWeight, 1e-9);
    });
  }
}
