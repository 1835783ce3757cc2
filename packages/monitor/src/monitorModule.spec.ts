import { Container } from 'inversify';
import { TOKENS, type RequestObserver } from '@slipstream/contracts';
import { AdminServer } from './admin/AdminServer';
import { AlertManager } from './alerts/AlertManager';
import { createMonitorModule } from './monitorModule';
import { MetricsRegistry } from './registry/MetricsRegistry';
import { FakeBus, RecordingLogger } from './test/fakes';

describe('createMonitorModule', () => {
  it('when loaded with a bus and a logger, resolves the registry, alerts and admin server as singletons', async () => {
    const container = new Container();
    container.bind(TOKENS.EventBus).toConstantValue(new FakeBus().asBus());
    container.bind(TOKENS.Logger).toConstantValue(new RecordingLogger());
    await container.load(
      createMonitorModule({
        registry: { sloLatencyMs: 123 },
        alerts: { rules: [{ name: 'e', metric: 'errorRate', comparator: '>', threshold: 0.5 }] },
      }),
    );
    const registry = container.get<MetricsRegistry>(TOKENS.MetricsRegistry);
    expect(registry).toBeInstanceOf(MetricsRegistry);
    expect(registry.sloLatencyMs).toBe(123);
    expect(container.get(TOKENS.MetricsRegistry)).toBe(registry);
    expect(container.get(TOKENS.AlertManager)).toBeInstanceOf(AlertManager);
    expect(container.get(TOKENS.AdminServer)).toBeInstanceOf(AdminServer);
  });

  it('when accessLog or tracing is enabled, binds it as a request observer next to the Prometheus one; both off by default', async () => {
    const observersOf = async (options: Parameters<typeof createMonitorModule>[0]) => {
      const container = new Container();
      container.bind(TOKENS.Logger).toConstantValue(new RecordingLogger());
      await container.load(createMonitorModule(options));
      return container.getAll<RequestObserver>(TOKENS.RequestObserver);
    };
    expect((await observersOf({})).map((o) => o.constructor.name)).toEqual(['RequestMetrics']);
    expect((await observersOf({ accessLog: { enabled: true } })).map((o) => o.constructor.name)).toEqual([
      'RequestMetrics',
      'AccessLogObserver',
    ]);
    const all = await observersOf({ accessLog: { enabled: true }, tracing: { enabled: true } });
    // Tracing first: the access log reads the trace id from the traceparent tracing injects.
    expect(all.map((o) => o.constructor.name)).toEqual([
      'TracingObserver',
      'RequestMetrics',
      'AccessLogObserver',
    ]);
  });
});
