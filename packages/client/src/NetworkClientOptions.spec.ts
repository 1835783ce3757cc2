import { ConfigError } from '@slipstream/contracts';
import { CLIENT_DEFAULTS, resolveClientOptions } from './NetworkClientOptions';

const api = { cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:8080' }] };

describe(resolveClientOptions, () => {
  it('when scalar options are omitted, fills the documented defaults', () => {
    expect(resolveClientOptions({ clusters: [api] })).toMatchObject({
      monitoring: CLIENT_DEFAULTS.monitoring,
      defaultTimeoutMs: CLIENT_DEFAULTS.defaultTimeoutMs,
      defaultQosClass: CLIENT_DEFAULTS.defaultQosClass,
    });
  });

  it('when there is no cluster, accepts it (clusters can be added later)', () => {
    expect(resolveClientOptions({ clusters: [] })).toMatchObject({ clusters: [] });
  });

  it('when a field has the wrong type, names the full path, the expected and the received value', () => {
    expect(() =>
      resolveClientOptions({ clusters: [{ ...api, batchPath: 'rpc' }], defaultTimeoutMs: -1 }),
    ).toThrow(/clusters\[0\]\.batchPath.*defaultTimeoutMs: expected number >= 0, received -1 \(number\)/s);
  });

  it('when two clusters share a name, refuses it', () => {
    expect(() => resolveClientOptions({ clusters: [api, api] })).toThrow(ConfigError);
    expect(() => resolveClientOptions({ clusters: [api, api] })).toThrow(
      /clusters\[1\]\.cluster: expected a cluster name not used before, received "api" \(string\)/,
    );
  });
});
