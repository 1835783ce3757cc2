import type { AlertMetric } from '@slipstream/contracts';
import { ERROR_KIND_INDEX } from '../registry/ErrorKind';
import type { MetricsRegistry } from '../registry/MetricsRegistry';

/**
 * The current value of an alert metric, for one cluster or overall, read from the
 * registry's sliding window and sources:
 * - `errorRate`: failed ÷ requests in the window, 0..1 (0 without traffic);
 * - `latencyP99`: p99 latency in the window, ms (0 without traffic);
 * - `healthScore`: the health score, 0..100;
 * - `breakerOpen`: number of open breakers (of the cluster's endpoints when a cluster is named);
 * - `shedRate`: shed ÷ requests in the window, 0..1;
 * - `certificateExpiryDays`: days until the soonest upstream TLS certificate expires, over the
 *   pools of the cluster's endpoints (all pools overall); Infinity when none was seen.
 */
export function readAlertMetric(registry: MetricsRegistry, metric: AlertMetric, cluster?: string): number {
  switch (metric) {
    case 'errorRate': {
      const totals = registry.windowTotals(cluster);
      return totals.requests > 0 ? totals.errors / totals.requests : 0;
    }
    case 'latencyP99':
      return registry.windowTotals(cluster).latency.percentile(99);
    case 'healthScore':
      return registry.health(cluster).score;
    case 'breakerOpen': {
      const origins = originsOf(registry, cluster);
      return registry.breakers().filter((b) => b.state === 'open' && (!origins || origins.has(b.endpoint)))
        .length;
    }
    case 'certificateExpiryDays': {
      const origins = originsOf(registry, cluster);
      let soonest = Number.POSITIVE_INFINITY;
      for (const p of registry.pools()) {
        if (p.certificateDaysLeft !== undefined && (!origins || origins.has(p.origin))) {
          soonest = Math.min(soonest, p.certificateDaysLeft);
        }
      }
      return soonest;
    }
    case 'shedRate': {
      const totals = registry.windowTotals(cluster);
      return totals.requests > 0 ? totals.errorsByKind[ERROR_KIND_INDEX.shed]! / totals.requests : 0;
    }
  }
}

/** The endpoint origins of `cluster`, or undefined (every origin) when no cluster is named. */
function originsOf(registry: MetricsRegistry, cluster: string | undefined): Set<string> | undefined {
  if (cluster === undefined) return undefined;
  return new Set(
    registry
      .clusters()
      .filter((c) => c.cluster === cluster)
      .flatMap((c) => c.endpoints.map((e) => e.origin)),
  );
}
