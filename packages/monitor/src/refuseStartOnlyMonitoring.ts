import { ConfigError, type ConfigIssue, type NetworkMonitoringConfig } from '@slipstream/contracts';
import { ACCESS_LOG_DEFAULTS } from './accesslog/AccessLogObserver';
import { REQUEST_METRICS_DEFAULTS } from './export/RequestMetrics';

/**
 * `tracing`, `accessLog` and `prometheus` with their defaults filled in, as `createMonitorModule`
 * binds them (tracing, the access log and default metrics are off unless `true`).
 */
function startOnly(config: NetworkMonitoringConfig): Record<string, unknown> {
  return {
    'tracing.enabled': config.tracing?.enabled ?? false,
    'accessLog.enabled': config.accessLog?.enabled ?? false,
    'accessLog.sampleRate': config.accessLog?.sampleRate ?? ACCESS_LOG_DEFAULTS.sampleRate,
    'prometheus.maxSeries': config.prometheus?.maxSeries ?? REQUEST_METRICS_DEFAULTS.maxSeries,
    'prometheus.defaultMetrics': config.prometheus?.defaultMetrics ?? false,
  };
}

/**
 * Refuses a monitoring config (`network.monitoring.configure`) that changes `tracing`,
 * `accessLog` or `prometheus` from what the monitor module was built with (`builtWith`): their
 * observers and exporter are bound into the container when it is built, so a change needs a restart. A payload without them, or
 * with the values in force, passes. Throws a `ConfigError` naming each field.
 */
export function refuseStartOnlyMonitoring(
  builtWith: NetworkMonitoringConfig,
  next: NetworkMonitoringConfig,
): void {
  const was = startOnly(builtWith);
  const issues: ConfigIssue[] = [];
  for (const [path, value] of Object.entries(startOnly(next))) {
    const section = path.split('.', 1)[0] as 'tracing' | 'accessLog' | 'prometheus';
    if (next[section] === undefined || value === was[path]) continue;
    issues.push({
      path,
      expected: `the value in force, ${JSON.stringify(was[path])} (set when the pipeline is built: a change needs a restart)`,
      received: JSON.stringify(value),
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
