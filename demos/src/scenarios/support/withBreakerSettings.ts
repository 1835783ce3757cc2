import type { CircuitBreakerConfig, EventBus } from '@slipstream/contracts';
import { BREAKER_DEFAULTS } from '@slipstream/resilience';

/**
 * Runs `fn` with the sidecar's breakers set to `config` (`network.breaker.configure`), then puts
 * back the settings in force before, defaults filled in, so no later scenario inherits them.
 */
export async function withBreakerSettings<T>(
  bus: EventBus,
  config: CircuitBreakerConfig,
  fn: () => Promise<T>,
): Promise<T> {
  const inForce = (await bus.request('network.breaker.configure', {})).applied;
  try {
    await bus.request('network.breaker.configure', config);
    return await fn();
  } finally {
    await bus.request('network.breaker.configure', {
      ...BREAKER_DEFAULTS,
      ...inForce,
      fallback: inForce.fallback ?? null,
    });
  }
}
