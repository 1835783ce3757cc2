import type { RoutingStats } from '@slipstream/contracts';
import type { QosScheduler } from './qos/QosScheduler';
import type { Router } from './router/Router';

/** The contracts' `RoutingStats`, measured from a router and its scheduler. */
export function collectRoutingStats(router: Router, scheduler: QosScheduler): RoutingStats {
  const { classes, concurrencyLimits } = scheduler.stats();
  return { ...router.stats(), classes, concurrencyLimits };
}
