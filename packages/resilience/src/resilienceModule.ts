import { ContainerModule } from 'inversify';
import { TOKENS } from '@slipstream/contracts';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry';
import { RetryPolicy } from './RetryPolicy';

/** Binds `TOKENS.BreakerRegistry` and `TOKENS.RetryPolicy` (singletons, default options). */
export const resilienceModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.BreakerRegistry).to(CircuitBreakerRegistry).inSingletonScope();
  bind(TOKENS.RetryPolicy).to(RetryPolicy).inSingletonScope();
});
