import { ContainerModule } from 'inversify';
import { TOKENS, type Logger } from '@slipstream/contracts';
import { AccessLogObserver, type AccessLogOptions } from './accesslog/AccessLogObserver';
import { AdminServer, type AdminServerOptions } from './admin/AdminServer';
import { AlertManager, type AlertManagerOptions } from './alerts/AlertManager';
import { PrometheusExporter, type PrometheusExporterOptions } from './export/PrometheusExporter';
import { RequestMetrics, type RequestMetricsOptions } from './export/RequestMetrics';
import { MetricsRegistry, type MetricsRegistryOptions } from './registry/MetricsRegistry';
import {
  withInboundTraceContext,
  withoutInboundTraceContext,
  type InboundTraceContext,
} from './tracing/InboundTraceContext';
import { TracingObserver } from './tracing/TracingObserver';
import { SnapshotPublisher, type SnapshotPublisherOptions } from './snapshot/SnapshotPublisher';
import { MONITOR_TOKENS } from './tokens';

/** Options of every monitor service, as the module binds them. */
export interface MonitorModuleOptions {
  /** Registry options. Defaults to the registry's defaults. */
  registry?: MetricsRegistryOptions;
  /** Alert options. Defaults to no rules. */
  alerts?: AlertManagerOptions;
  /** Admin server options. Defaults to 127.0.0.1, port 0. */
  admin?: AdminServerOptions;
  /** Snapshot options. Defaults to every 10_000 ms. */
  snapshot?: SnapshotPublisherOptions;
  /** Prometheus options: Node's default metrics, the bound on label sets. Defaults to off and 1_000. */
  prometheus?: PrometheusExporterOptions & RequestMetricsOptions;
  /** The access log: one line per sampled request through `TOKENS.Logger`. Defaults to off. */
  accessLog?: AccessLogOptions & { enabled?: boolean };
  /**
   * OpenTelemetry spans per request and attempt, `traceparent` injected upstream and extracted
   * from inbound requests (`MONITOR_TOKENS.InboundTraceContext`). Defaults to off.
   */
  tracing?: { enabled?: boolean };
}

/**
 * The monitor's `ContainerModule`: binds `TOKENS.MetricsRegistry`, `TOKENS.AlertManager`
 * and `TOKENS.AdminServer` (singletons), plus the package's exporter and snapshot publisher, and
 * the exporter's `RequestMetrics` as a `TOKENS.RequestObserver` (the pipeline feeds it), and the
 * access log and the tracer as others when `accessLog.enabled` / `tracing.enabled`, and the
 * `InboundTraceContext` a server of inbound requests runs them in (a pass-through with tracing off).
 * `TOKENS.EventBus` and `TOKENS.Logger` come from core's module.
 */
export function createMonitorModule(options: MonitorModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(MONITOR_TOKENS.MetricsRegistryOptions).toConstantValue(options.registry ?? {});
    bind(MONITOR_TOKENS.AlertManagerOptions).toConstantValue(options.alerts ?? {});
    bind(MONITOR_TOKENS.AdminServerOptions).toConstantValue(options.admin ?? {});
    bind(MONITOR_TOKENS.SnapshotPublisherOptions).toConstantValue(options.snapshot ?? {});
    bind(MONITOR_TOKENS.PrometheusExporterOptions).toConstantValue(options.prometheus ?? {});
    bind(MONITOR_TOKENS.RequestMetrics).toConstantValue(new RequestMetrics(options.prometheus));
    // Tracing first: the access log reads the trace id from the traceparent it injects.
    const tracing = options.tracing?.enabled === true;
    if (tracing) bind(TOKENS.RequestObserver).toConstantValue(new TracingObserver());
    bind<InboundTraceContext>(MONITOR_TOKENS.InboundTraceContext).toConstantValue(
      tracing ? withInboundTraceContext : withoutInboundTraceContext,
    );
    bind(TOKENS.RequestObserver).toService(MONITOR_TOKENS.RequestMetrics);
    const accessLog = options.accessLog;
    if (accessLog?.enabled === true) {
      bind(TOKENS.RequestObserver)
        .toDynamicValue((ctx) => new AccessLogObserver(ctx.get<Logger>(TOKENS.Logger), accessLog))
        .inSingletonScope();
    }
    bind(TOKENS.MetricsRegistry).to(MetricsRegistry).inSingletonScope();
    bind(TOKENS.AlertManager).to(AlertManager).inSingletonScope();
    bind(TOKENS.AdminServer).to(AdminServer).inSingletonScope();
    bind(MONITOR_TOKENS.PrometheusExporter).to(PrometheusExporter).inSingletonScope();
    bind(MONITOR_TOKENS.SnapshotPublisher).to(SnapshotPublisher).inSingletonScope();
  });
}

/** The monitor's `ContainerModule` with default options. */
export const monitorModule = createMonitorModule();
