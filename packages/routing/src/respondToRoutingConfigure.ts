import { ConfigError, type AdvancedRoutingConfig, type Disposer, type EventBus } from '@slipstream/contracts';
import { collectRoutingStats } from './collectRoutingStats';
import type { QosScheduler } from './qos/QosScheduler';
import type { Router } from './router/Router';

/**
 * Applies a routing configuration at run time: validates the routes and classes together
 * first and applies both or neither, so an invalid one is refused with every reason (a
 * `ConfigError`) and the old table and classes keep serving. `adaptiveConcurrency` is fixed
 * when the scheduler is built and is refused here rather than silently ignored.
 */
export function applyRoutingConfig(
  router: Router,
  scheduler: QosScheduler,
  config: AdvancedRoutingConfig,
): void {
  if (config.adaptiveConcurrency !== undefined) {
    throw new ConfigError([
      {
        path: 'adaptiveConcurrency',
        expected: 'to be set when the scheduler is built (not at run time)',
        received: JSON.stringify(config.adaptiveConcurrency),
      },
    ]);
  }
  // Router.validate checks the classes too, so after it neither step below can throw.
  const validated = router.validate(config.routes ?? router.table.routes, config.classes);
  if (config.classes) scheduler.setClasses(config.classes);
  router.apply(validated);
}

/**
 * Answers the `network.routing.configure` bus command with {@link applyRoutingConfig}; the
 * reply carries what was applied and the measured routing stats. Returns the disposer.
 */
export function respondToRoutingConfigure(
  bus: Pick<EventBus, 'respond'>,
  router: Router,
  scheduler: QosScheduler,
): Disposer {
  return bus.respond('network.routing.configure', (config) => {
    applyRoutingConfig(router, scheduler, config);
    return { applied: config, stats: collectRoutingStats(router, scheduler) };
  });
}
