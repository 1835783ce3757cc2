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
export { PrometheusExporter, type PrometheusExporterOptions } from './export/PrometheusExporter';
export {
  RequestMetrics,
  LatencySeries,
  ClassSeries,
  NO_ENDPOINT_LABEL,
  type AttemptCounts,
  type RequestMetricsOptions,
} from './export/RequestMetrics';
export { LATENCY_BUCKETS_MS, latencyBucketIndex } from './export/LATENCY_BUCKETS_MS';
export { LabelTree, OVERFLOW_LABEL } from './export/LabelTree';
export {
  AdminServer,
  ADMIN_DEFAULT_PORT,
  type AdminServerOptions,
  type AdminServerSettings,
} from './admin/AdminServer';
export { AccessLogObserver, ACCESS_LOG_MESSAGE, type AccessLogOptions } from './accesslog/AccessLogObserver';
export { SnapshotPublisher, type SnapshotPublisherOptions } from './snapshot/SnapshotPublisher';
export { MONITOR_TOKENS } from './tokens';
export { createMonitorModule, monitorModule, type MonitorModuleOptions } from './monitorModule';
export { monitorOptionsFromConfig } from './monitorOptionsFromConfig';
export { monitoringSettings, type MonitoringServices } from './monitoringSettings';
export { refuseStartOnlyMonitoring } from './refuseStartOnlyMonitoring';
export { TracingObserver, TRACER_NAME, type TracingObserverOptions } from './tracing/TracingObserver';
export {
  withInboundTraceContext,
  withoutInboundTraceContext,
  type InboundHeaders,
  type InboundTraceContext,
} from './tracing/InboundTraceContext';
