import type { Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/**
 * pick: the balancer's endpoint for one attempt (never one an earlier attempt of the request
 * failed on, nor one a parallel hedge uses). It picks synchronously, before `next` runs, so a
 * hedge step sees the endpoint as soon as it called `next`.
 */
export class PickStep<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'pick';

  handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    const attempt = x.attempt;
    const endpoint = x.balancer.pick({
      stickyKey: x.opts.stickyKey,
      headers: x.req.headers,
      exclude: attempt?.excluded,
    });
    if (attempt) attempt.endpoint = endpoint.origin;
    x.endpoint = endpoint.origin;
    x.picked = endpoint;
    x.attemptHeaders = undefined;
    return next(x);
  }
}
