import type { CircuitBreakerConfig } from '@slipstream/contracts';
import { HttpResponse } from '@slipstream/http';
import type { BreakerExecuteOptions } from '@slipstream/resilience';

/** An open-circuit fallback as it was configured, with the responder built from it once. */
export interface BreakerFallback {
  /** The configured response; null: none (fail fast with `BrokenCircuitError`). */
  readonly config: NonNullable<CircuitBreakerConfig['fallback']> | null;
  /** What the breaker answers an open circuit with; undefined when `config` is null. */
  readonly respond: BreakerExecuteOptions<HttpResponse>['fallback'];
}

/** No fallback. */
export const NO_FALLBACK: BreakerFallback = Object.freeze({ config: null, respond: undefined });

/** The fallback of a config's `fallback`: a static JSON response, or none. */
export function breakerFallback(config: CircuitBreakerConfig['fallback']): BreakerFallback {
  if (!config) return NO_FALLBACK;
  const body = Buffer.from(JSON.stringify(config.body));
  return {
    config,
    respond: () =>
      new HttpResponse(
        config.status,
        { 'content-type': 'application/json', 'x-slipstream-fallback': '1' },
        body,
      ),
  };
}
