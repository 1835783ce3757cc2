import { TOKENS } from '@slipstream/contracts';
import {
  ClusterManager,
  DEFAULT_BALANCER_ALGORITHMS,
  HealthChecker,
  type BalancerAlgorithmRegistry,
} from '@slipstream/balancer';
import { CircuitBreakerRegistry, RetryPolicy } from '@slipstream/resilience';
import { ContainerModule } from 'inversify';
import { CLIENT_OPTIONS } from './CLIENT_OPTIONS';
import { DEFAULT_CLIENT_FACTORIES, type ClientFactories } from './ClientFactories';
import { NetworkClient } from './NetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

/**
 * Binds `TOKENS.NetworkClient` to one `NetworkClient` (singleton) built from `options`, and the
 * components it resolves, each a singleton a later module may rebind (`rebindSync`):
 * `TOKENS.ClusterManager` (with `TOKENS.HealthChecker` and `TOKENS.BalancerAlgorithms`, the
 * implementation of each algorithm name), `TOKENS.BreakerRegistry` and `TOKENS.RetryPolicy`
 * (built from `options.retry`), and `TOKENS.ClientFactories` (how the router, the scheduler, the
 * batchers and the hedgers are built). Steps bound to `TOKENS.PipelineStep` join every attempt's chain.
 * The client also takes the bound `TOKENS.PoolManager` and, when bound, `TOKENS.MetricsRegistry`,
 * `TOKENS.EventBus`, `TOKENS.Logger` and every `TOKENS.RequestObserver`. The client is drained
 * (`close()`) when the container unbinds it.
 */
export function clientModule(options: NetworkClientOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<NetworkClientOptions>(CLIENT_OPTIONS).toConstantValue(options);
    bind<ClientFactories>(TOKENS.ClientFactories).toConstantValue(DEFAULT_CLIENT_FACTORIES);
    bind<BalancerAlgorithmRegistry>(TOKENS.BalancerAlgorithms).toConstantValue(DEFAULT_BALANCER_ALGORITHMS);
    bind<HealthChecker>(TOKENS.HealthChecker).to(HealthChecker).inSingletonScope();
    bind<ClusterManager>(TOKENS.ClusterManager).to(ClusterManager).inSingletonScope();
    bind<CircuitBreakerRegistry>(TOKENS.BreakerRegistry).to(CircuitBreakerRegistry).inSingletonScope();
    bind<RetryPolicy>(TOKENS.RetryPolicy)
      .toDynamicValue(() => new RetryPolicy(options.retry))
      .inSingletonScope();
    bind<NetworkClient>(TOKENS.NetworkClient)
      .to(NetworkClient)
      .inSingletonScope()
      .onDeactivation((client) => client.close());
  });
}
