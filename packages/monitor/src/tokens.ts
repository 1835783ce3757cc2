/**
 * Service identifiers private to the monitor package: the options of its services, the
 * Prometheus exporter and the inbound trace context. `Symbol.for`, like the contracts' `TOKENS`.
 */
export const MONITOR_TOKENS = {
  MetricsRegistryOptions: Symbol.for('slipstream.monitor.MetricsRegistryOptions'),
  AlertManagerOptions: Symbol.for('slipstream.monitor.AlertManagerOptions'),
  AdminServerOptions: Symbol.for('slipstream.monitor.AdminServerOptions'),
  SnapshotPublisherOptions: Symbol.for('slipstream.monitor.SnapshotPublisherOptions'),
  PrometheusExporter: Symbol.for('slipstream.monitor.PrometheusExporter'),
  PrometheusExporterOptions: Symbol.for('slipstream.monitor.PrometheusExporterOptions'),
  RequestMetrics: Symbol.for('slipstream.monitor.RequestMetrics'),
  SnapshotPublisher: Symbol.for('slipstream.monitor.SnapshotPublisher'),
  /** An `InboundTraceContext`: extracts `traceparent` from inbound requests when tracing is on, nothing when off. */
  InboundTraceContext: Symbol.for('slipstream.monitor.InboundTraceContext'),
} as const;
