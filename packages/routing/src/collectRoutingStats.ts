import type { RoutingStats } from '@slipstream/contracts';
import type { QosScheduler } from './qos/QosScheduler';
import type { QosClassStats } from './qos/QosSchedulerStats';
import type { Router } from './router/Router';

/** The contracts' `RoutingStats`, measured from a router and its scheduler; each class also carries `timedOut` and `rateLimited`. */
export function collectRoutingStats(
  router: Router,
  scheduler: QosScheduler,
): RoutingStats & { classes: Record<string, QosClassStats> } {
  const { classes, concurrencyLimits } = scheduler.stats();
  return { ...router.stats(), classes, concurrencyLimits };
}
