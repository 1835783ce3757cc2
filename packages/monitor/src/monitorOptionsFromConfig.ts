import type { NetworkMonitoringConfig } from '@slipstream/contracts';
import type { MonitorModuleOptions } from './monitorModule';

/**
 * The monitor's options from the contracts' `NetworkMonitoringConfig` (what
 * `network.monitoring.configure` carries, and a config file's `network.monitoring`).
 * `admin.enabled` is not an option of a service: whoever owns the admin server starts it or not.
 */
export function monitorOptionsFromConfig(config: NetworkMonitoringConfig): MonitorModuleOptions {
  const admin = config.admin ?? {};
  return {
    registry: { sloLatencyMs: config.sloLatencyMs, windowMs: config.windowMs },
    alerts: { rules: config.alertRules },
    snapshot: { snapshotIntervalMs: config.snapshotIntervalMs },
    admin: {
      host: admin.host,
      port: admin.port,
      bearerToken: admin.bearerToken,
      allowRemote: admin.allowRemote,
    },
    tracing: { enabled: config.tracing?.enabled },
    accessLog: { enabled: config.accessLog?.enabled, sampleRate: config.accessLog?.sampleRate },
    prometheus: {
      maxSeries: config.prometheus?.maxSeries,
      defaultMetrics: config.prometheus?.defaultMetrics,
    },
  };
}
