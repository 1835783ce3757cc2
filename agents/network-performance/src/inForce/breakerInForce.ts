import type { CircuitBreakerConfig } from '@slipstream/contracts';
import { BREAKER_DEFAULTS } from '@slipstream/resilience';

/**
 * Every breaker setting in force: the settings given so far over the resilience package's
 * `BREAKER_DEFAULTS` (read, never restated here).
 */
export function breakerInForce(given: CircuitBreakerConfig): CircuitBreakerConfig {
  return { ...BREAKER_DEFAULTS, ...given };
}
