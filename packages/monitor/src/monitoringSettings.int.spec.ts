import { Container } from 'inversify';
import { TOKENS, type NetworkMonitoringConfig } from '@slipstream/contracts';
import type { AdminServer } from './admin/AdminServer';
import type { AlertManager } from './alerts/AlertManager';
import { createMonitorModule } from './monitorModule';
import { monitorOptionsFromConfig } from './monitorOptionsFromConfig';
import { monitoringSettings, type MonitoringServices } from './monitoringSettings';
import type { MetricsRegistry } from './registry/MetricsRegistry';
import type { SnapshotPublisher } from './snapshot/SnapshotPublisher';
import { MONITOR_TOKENS } from './tokens';
import { FakeBus, RecordingLogger } from './test/fakes';

/** The monitor services built from `config`, as the network-performance agent builds them. */
async function servicesFrom(config: NetworkMonitoringConfig): Promise<MonitoringServices> {
  const container = new Container();
  container.bind(TOKENS.EventBus).toConstantValue(new FakeBus().asBus());
  container.bind(TOKENS.Logger).toConstantValue(new RecordingLogger());
  await container.load(createMonitorModule(monitorOptionsFromConfig(config)));
  return {
    registry: container.get<MetricsRegistry>(TOKENS.MetricsRegistry),
    alerts: container.get<AlertManager>(TOKENS.AlertManager),
    snapshots: container.get<SnapshotPublisher>(MONITOR_TOKENS.SnapshotPublisher),
    admin: container.get<AdminServer>(TOKENS.AdminServer),
  };
}

describe(monitoringSettings, () => {
  it('when built from a config, reports its settings with the services’ defaults filled in', async () => {
    const services = await servicesFrom({
      sloLatencyMs: 250,
      snapshotIntervalMs: 0,
      alertRules: [{ name: 'errors', metric: 'errorRate', comparator: '>', threshold: 0.1 }],
      admin: { port: 0 },
    });
    expect(monitoringSettings(services)).toEqual({
      sloLatencyMs: 250,
      windowMs: services.registry.windowMs,
      snapshotIntervalMs: 0,
      alertRules: [
        {
          name: 'errors',
          metric: 'errorRate',
          comparator: '>',
          threshold: 0.1,
          forMs: 0,
          hysteresis: 0,
          severity: 'warning',
        },
      ],
      admin: { host: '127.0.0.1', port: 0, allowRemote: false, enabled: false },
    });
  });

  it('when the services are changed at run time, reports what they hold now', async () => {
    const services = await servicesFrom({ admin: { port: 0 } });
    services.registry.setWindowMs(30_000);
    services.snapshots.setIntervalMs(500);
    services.alerts.setRules([
      { name: 'p99', metric: 'latencyP99', comparator: '>', threshold: 900, cluster: 'api' },
    ]);
    await services.admin.reconfigure({ port: 0, bearerToken: 't0ken' });
    await services.admin.start();
    try {
      expect(monitoringSettings(services)).toMatchObject({
        windowMs: 30_000,
        snapshotIntervalMs: 500,
        alertRules: [{ name: 'p99', cluster: 'api' }],
        admin: { port: 0, enabled: true },
      });
      // The token is in force but never reported: these settings travel the bus.
      expect(JSON.stringify(monitoringSettings(services))).not.toContain('t0ken');
    } finally {
      await services.admin.close();
    }
    expect(monitoringSettings(services).admin?.enabled).toBe(false);
  });
});
