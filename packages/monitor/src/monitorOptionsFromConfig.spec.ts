import { monitorOptionsFromConfig } from './monitorOptionsFromConfig';

describe('monitorOptionsFromConfig', () => {
  it('when the config is empty, leaves every default in place and keeps the admin server on loopback', () => {
    const options = monitorOptionsFromConfig({});
    expect(options.registry).toEqual({ sloLatencyMs: undefined, windowMs: undefined });
    expect(options.admin?.allowRemote).toBeUndefined();
    expect(options.tracing?.enabled).toBeUndefined();
    expect(options.accessLog?.enabled).toBeUndefined();
  });

  it('when the config names fields, maps each to its service', () => {
    const rules = [{ name: 'e', metric: 'errorRate' as const, comparator: '>' as const, threshold: 0.1 }];
    const options = monitorOptionsFromConfig({
      sloLatencyMs: 100,
      windowMs: 30_000,
      snapshotIntervalMs: 0,
      alertRules: rules,
      admin: { host: '0.0.0.0', port: 9_100, bearerToken: 't', allowRemote: true },
      tracing: { enabled: true },
      accessLog: { enabled: true, sampleRate: 0.25 },
      prometheus: { maxSeries: 50, defaultMetrics: true },
    });
    expect(options).toEqual({
      registry: { sloLatencyMs: 100, windowMs: 30_000 },
      alerts: { rules },
      snapshot: { snapshotIntervalMs: 0 },
      admin: { host: '0.0.0.0', port: 9_100, bearerToken: 't', allowRemote: true },
      tracing: { enabled: true },
      accessLog: { enabled: true, sampleRate: 0.25 },
      prometheus: { maxSeries: 50, defaultMetrics: true },
    });
  });
});
