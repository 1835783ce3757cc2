import type { CircuitBreakerRegistry } from '@slipstream/resilience';
import type { Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/**
 * pick: the balancer's endpoint for one attempt (never one an earlier attempt of the request
 * failed on, nor one a parallel hedge uses, nor one whose circuit is open, while another can take
 * it). It picks synchronously, before `next` runs, so a hedge step sees the endpoint as soon as it
 * called `next`. An open circuit left in rotation failed every request a latency-blind balancer
 * sent it: round-robin over a healthy endpoint and one failing half its requests lost half the
 * requests to `BrokenCircuitError` for as long as the failure lasted.
 */
export class PickStep<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'pick';

  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    const attempt = x.attempt;
    const excluded = attempt?.excluded;
    const open = this.breakers.openEndpoints(x.cluster);
    const endpoint = x.balancer.pick({
      stickyKey: x.opts.stickyKey,
      headers: x.req.headers,
      exclude:
        open === undefined
          ? excluded
          : excluded === undefined || excluded.size === 0
            ? open
            : new Set([...excluded, ...open]),
    });
    if (attempt) attempt.endpoint = endpoint.origin;
    x.endpoint = endpoint.origin;
    x.picked = endpoint;
    x.attemptHeaders = undefined;
    return next(x);
  }
}
