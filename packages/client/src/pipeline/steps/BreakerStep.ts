import type { BreakerExecuteOptions, CircuitBreakerRegistry } from '@slipstream/resilience';
import type { Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/**
 * breaker: the picked endpoint's circuit breaker around the rest of the attempt. An open
 * circuit fails the attempt fast (the retry step then tries an endpoint whose circuit is
 * closed); the breaker's signal, which its timeout aborts, is the attempt's (`x.attemptSignal`).
 */
export class BreakerStep<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'breaker';

  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    return this.breakers.execute<R>(
      x.picked!.origin,
      (signal) => {
        x.attemptSignal = signal;
        return next(x);
      },
      x.breakerOptions as BreakerExecuteOptions<R>,
    );
  }
}
