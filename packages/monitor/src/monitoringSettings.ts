import type { NetworkMonitoringConfig } from '@slipstream/contracts';
import type { AdminServer } from './admin/AdminServer';
import type { AlertManager } from './alerts/AlertManager';
import type { MetricsRegistry } from './registry/MetricsRegistry';
import type { SnapshotPublisher } from './snapshot/SnapshotPublisher';

/** The monitor services whose settings may change at run time. */
export interface MonitoringServices {
  registry: MetricsRegistry;
  alerts: AlertManager;
  snapshots: SnapshotPublisher;
  admin: AdminServer;
}

/**
 * The run-time monitoring settings in force, as each service reports them, in the shape of
 * `NetworkMonitoringConfig` (the inverse of `monitorOptionsFromConfig`): the objective and
 * window, the alert rules, the snapshot period, and the admin server's address
 * (`admin.enabled`: whether it listens). The admin server's bearer token is never reported:
 * these settings travel the bus in replies. `tracing`, `accessLog` and `prometheus` are bound
 * when the module is built and are not among them.
 */
export function monitoringSettings(services: MonitoringServices): NetworkMonitoringConfig {
  const { registry, alerts, snapshots, admin } = services;
  const settings = admin.settings;
  return {
    sloLatencyMs: registry.sloLatencyMs,
    windowMs: registry.windowMs,
    alertRules: alerts.rules,
    snapshotIntervalMs: snapshots.intervalMs,
    admin: {
      host: settings.host,
      port: settings.port,
      allowRemote: settings.allowRemote,
      enabled: admin.listening,
    },
  };
}
