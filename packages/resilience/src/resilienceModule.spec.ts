import { Container } from 'inversify';
import { TOKENS } from '@slipstream/contracts';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry';
import { resilienceModule } from './resilienceModule';
import { RetryPolicy } from './RetryPolicy';

describe('resilienceModule', () => {
  it('binds the breaker registry and the retry policy as singletons', async () => {
    const container = new Container();
    await container.load(resilienceModule);
    const registry = container.get<CircuitBreakerRegistry>(TOKENS.BreakerRegistry);
    expect(registry).toBeInstanceOf(CircuitBreakerRegistry);
    expect(container.get(TOKENS.BreakerRegistry)).toBe(registry);
    expect(container.get(TOKENS.RetryPolicy)).toBeInstanceOf(RetryPolicy);
  });
});
