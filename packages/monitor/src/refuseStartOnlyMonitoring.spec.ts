import { ConfigError } from '@slipstream/contracts';
import { ACCESS_LOG_DEFAULTS } from './accesslog/AccessLogObserver';
import { REQUEST_METRICS_DEFAULTS } from './export/RequestMetrics';
import { refuseStartOnlyMonitoring } from './refuseStartOnlyMonitoring';

describe(refuseStartOnlyMonitoring, () => {
  it('when the config leaves the start-only sections out, or repeats them, passes', () => {
    const builtWith = { tracing: { enabled: true }, accessLog: { enabled: true, sampleRate: 0.5 } };
    expect(() => refuseStartOnlyMonitoring(builtWith, { windowMs: 30_000 })).not.toThrow();
    expect(() => refuseStartOnlyMonitoring(builtWith, { ...builtWith, sloLatencyMs: 100 })).not.toThrow();
  });

  it('when the config states the monitor’s defaults the module was built with, passes', () => {
    expect(() =>
      refuseStartOnlyMonitoring(
        {},
        {
          tracing: { enabled: false },
          accessLog: { enabled: false, sampleRate: ACCESS_LOG_DEFAULTS.sampleRate },
          prometheus: { maxSeries: REQUEST_METRICS_DEFAULTS.maxSeries, defaultMetrics: false },
        },
      ),
    ).not.toThrow();
  });

  it('when the config changes one of them, refuses it naming each field and the value in force', () => {
    const change = () =>
      refuseStartOnlyMonitoring({}, { tracing: { enabled: true }, prometheus: { maxSeries: 50 } });
    expect(change).toThrow(ConfigError);
    expect(change).toThrow(/tracing\.enabled: expected the value in force, false/);
    expect(change).toThrow(/prometheus\.maxSeries: expected the value in force, 1000/);
  });
});
