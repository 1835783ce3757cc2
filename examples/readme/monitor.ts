// examples/readme/monitor.ts
import { TOKENS } from '@slipstream/contracts';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';
import {
  classifyError,
  createMonitorModule,
  type AdminServer,
  type MetricsRegistry,
} from '@slipstream/monitor';
import { Container } from 'inversify';

async function main(): Promise<void> {
  const container = new Container();
  // Alerts go out on the bus and the logger; in an orchestrator, core's module binds both.
  const logger = createLogger({ level: 'warn' });
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind(TOKENS.EventBus).toConstantValue(new MessageBus(new InProcessTransport(), logger));
  const rules = [{ name: 'slow', metric: 'latencyP99' as const, comparator: '>' as const, threshold: 500 }];
  await container.load(
    createMonitorModule({ registry: { sloLatencyMs: 200 }, alerts: { rules }, admin: { port: 0 } }),
  );
  const metrics = container.get<MetricsRegistry>(TOKENS.MetricsRegistry);

  // once per (cluster, endpoint, route, class): keep the handle
  const origin = 'http://10.0.0.1:8080';
  const series = metrics.series({
    cluster: 'users',
    endpoint: origin,
    route: 'users-api',
    qosClass: 'standard',
  });
  // per request
  series.record({ durationMs: 12, status: 200, bytesOutWire: 120, bytesInWire: 2_048 });
  series.record({ durationMs: 30, errorKind: classifyError(new Error('socket hang up')) });
  const { overall } = metrics.snapshot();
  console.log(`p50 ${overall.latencyP50} ms, error rate ${overall.errorRate}`);

  const admin = container.get<AdminServer>(TOKENS.AdminServer); // /metrics, /dashboard, /healthz
  console.log(`metrics at ${await admin.start()}/metrics`);
  await admin.close();
  metrics.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
