import { ConfigError } from '@slipstream/contracts';
import { CLIENT_DEFAULTS, resolveClientOptions } from './NetworkClientOptions';

describe(resolveClientOptions, () => {
  it('when scalar options are omitted, fills the documented defaults', () => {
    expect(resolveClientOptions({ clusters: [{ cluster: 'api' }] })).toMatchObject({
      monitoring: CLIENT_DEFAULTS.monitoring,
      defaultTimeoutMs: CLIENT_DEFAULTS.defaultTimeoutMs,
      defaultQosClass: CLIENT_DEFAULTS.defaultQosClass,
    });
  });

  it('when there is no cluster, throws a ConfigError naming clusters', () => {
    expect(() => resolveClientOptions({ clusters: [] })).toThrow(ConfigError);
    expect(() => resolveClientOptions({ clusters: [] })).toThrow(/clusters/);
  });

  it('when a field has the wrong type, names the path, the expected and the received value', () => {
    expect(() =>
      resolveClientOptions({ clusters: [{ cluster: 'api', batchPath: 'rpc' }], defaultTimeoutMs: -1 }),
    ).toThrow(/clusters\.0\.batchPath.*defaultTimeoutMs/s);
  });

  it('when two clusters share a name, refuses it', () => {
    expect(() => resolveClientOptions({ clusters: [{ cluster: 'a' }, { cluster: 'a' }] })).toThrow(
      /clusters: expected unique cluster names, received "a"/,
    );
  });
});
