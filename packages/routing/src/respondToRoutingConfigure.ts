import type { AdvancedRoutingConfig, Disposer, EventBus } from '@slipstream/contracts';
import { collectRoutingStats } from './collectRoutingStats';
import type { QosScheduler } from './qos/QosScheduler';
import type { Router } from './router/Router';

/**
 * Applies a routing configuration at run time: validates the routes, classes and
 * `adaptiveConcurrency` first and applies all or none, so an invalid one is refused with its
 * reasons (a `ConfigError`) and the old table, classes and limiter settings keep serving.
 * Omitted `adaptiveConcurrency` fields keep their value; learned limits are kept.
 */
export function applyRoutingConfig(
  router: Router,
  scheduler: QosScheduler,
  config: AdvancedRoutingConfig,
): void {
  // Router.validate checks the classes too; setConcurrency validates before it changes
  // anything; so once both pass, neither step below can throw.
  const validated = router.validate(config.routes ?? router.table.routes, config.classes);
  if (config.adaptiveConcurrency) scheduler.setConcurrency(config.adaptiveConcurrency);
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
