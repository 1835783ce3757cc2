import { TOKENS } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import { QosScheduler } from './qos/QosScheduler';
import { Router } from './router/Router';

/**
 * Binds `TOKENS.Router` and `TOKENS.QosScheduler` as singletons. They take their options from
 * `ROUTING_TOKENS.RouterOptions` / `ROUTING_TOKENS.QosSchedulerOptions` and publish on
 * `TOKENS.EventBus`, each when bound.
 */
export const routingModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Router).to(Router).inSingletonScope();
  bind(TOKENS.QosScheduler).to(QosScheduler).inSingletonScope();
});
