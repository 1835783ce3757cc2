export { LatencyHistogram } from './histogram/LatencyHistogram';
export { SlidingWindow, type SlidingWindowOptions, type WindowTotals } from './histogram/SlidingWindow';
export { ERROR_KINDS, ERROR_KIND_INDEX, type ErrorKind } from './registry/ErrorKind';
export type { RequestOutcome, SeriesLabels } from './registry/RequestOutcome';
export { classifyError, classifyStatus } from './registry/classifyError';
export { RequestSeries } from './registry/RequestSeries';
export type { StatsSources, StatsSourceKind } from './registry/StatsSources';
export { MetricsRegistry, type MetricsRegistryOptions } from './registry/MetricsRegistry';
export {
  computeHealthScore,
  ERROR_RATE_AT_ZERO,
  SATURATION_KNEE,
  type HealthInputs,
} from './health/computeHealthScore';
export { readAlertMetric } from './alerts/readAlertMetric';
export { AlertManager, type AlertManagerOptions } from './alerts/AlertManager';
export { PrometheusExporter } from './export/PrometheusExporter';
export { AdminServer, type AdminServerOptions } from './admin/AdminServer';
export { SnapshotPublisher, type SnapshotPublisherOptions } from './snapshot/SnapshotPublisher';
export { MONITOR_TOKENS } from './tokens';
export { createMonitorModule, monitorModule, type MonitorModuleOptions } from './monitorModule';
export { monitorOptionsFromConfig } from './monitorOptionsFromConfig';
