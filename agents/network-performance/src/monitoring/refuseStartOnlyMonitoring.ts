import { ConfigError, type ConfigIssue, type NetworkMonitoringConfig } from '@slipstream/contracts';

/** `tracing`, `accessLog` and `prometheus` with their defaults filled in, as the pipeline was built with them. */
function startOnly(config: NetworkMonitoringConfig): Record<string, unknown> {
  return {
    'tracing.enabled': config.tracing?.enabled ?? false,
    'accessLog.enabled': config.accessLog?.enabled ?? false,
    'accessLog.sampleRate': config.accessLog?.sampleRate ?? 1,
    'prometheus.maxSeries': config.prometheus?.maxSeries ?? 1_000,
    'prometheus.defaultMetrics': config.prometheus?.defaultMetrics ?? false,
  };
}

/**
 * Refuses a `network.monitoring.configure` that changes `tracing`, `accessLog` or `prometheus`
 * from what the pipeline was built with (`builtWith`): their observers and exporter are bound
 * into the pipeline when it is built, so a change needs a restart. A payload without them, or
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
