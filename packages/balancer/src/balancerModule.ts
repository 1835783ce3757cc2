import { ContainerModule } from 'inversify';
import { TOKENS } from '@slipstream/contracts';
import { ClusterManager } from './ClusterManager';
import { HealthChecker } from './HealthChecker';

/** Binds `TOKENS.HealthChecker` and `TOKENS.ClusterManager` (singletons). */
export const balancerModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.HealthChecker).to(HealthChecker).inSingletonScope();
  bind(TOKENS.ClusterManager).to(ClusterManager).inSingletonScope();
});
