import { advancedRoutingSchema, parseConfig } from '@slipstream/config';
import type { AdvancedRoutingConfig } from '@slipstream/contracts';
import type { QosScheduler } from './qos/QosScheduler';
import type { Router } from './router/Router';

/**
 * Applies a routing configuration at run time to a router and its scheduler: the routes, the
 * classes, the default class and every `adaptiveConcurrency` setting (`enabled`, the limits, `smoothing`,
 * `rttTolerance`, `probeIntervalMs`, `maxQueueWaitRtts`). Validates all of it first and applies all or none: an
 * invalid one is refused with every reason (a `ConfigError`) and the old table, classes and
 * limiter settings keep serving. Omitted fields keep their value; learned limits are kept.
 * The shape (unknown keys, types, ranges) is checked first by `advancedRoutingSchema` of
 * `@slipstream/config`; what spans routes and classes (shadowing, known clusters and classes) here.
 */
export function applyRoutingConfig(
  router: Router,
  scheduler: QosScheduler,
  config: AdvancedRoutingConfig,
): void {
  parseConfig(advancedRoutingSchema, config);
  // Router.validate checks the classes too; setConcurrency validates before it changes
  // anything; so once both pass, neither step below can throw.
  const validated = router.validate(
    config.routes ?? router.table.routes,
    config.classes,
    config.defaultClass,
  );
  if (config.adaptiveConcurrency) scheduler.setConcurrency(config.adaptiveConcurrency);
  if (config.classes) scheduler.setClasses(config.classes);
  router.apply(validated);
}
