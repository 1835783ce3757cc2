import type { RetryPolicy } from '@slipstream/resilience';
import type { Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/**
 * retry: runs the rest of the chain under the retry policy (budget, backoff, the request's
 * deadline); each attempt is on `x.attempt`, so the pick step excludes the endpoints earlier
 * attempts failed on. In the chain of idempotent requests whose route allows retries only.
 */
export class RetryStep<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'retry';

  constructor(private readonly policy: RetryPolicy) {}

  handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    return this.policy.execute((attempt) => {
      x.attempt = attempt;
      return next(x);
    }, x);
  }
}
