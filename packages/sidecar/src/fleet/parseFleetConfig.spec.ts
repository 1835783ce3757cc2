import { ConfigError } from '@slipstream/contracts';
import { parseFleetConfig } from './parseFleetConfig';

const network = { clusters: [{ cluster: 'a', endpoints: [{ origin: 'http://127.0.0.1:1' }] }] };

/** The issue paths of the `ConfigError` `parseFleetConfig(input)` throws. */
function pathsOf(input: unknown): string[] {
  try {
    parseFleetConfig(input);
  } catch (err) {
    expect(ConfigError.is(err)).toBe(true);
    return (err as ConfigError).issues.map((i) => i.path);
  }
  throw new Error('no ConfigError');
}

describe(parseFleetConfig, () => {
  it('takes a network section, validated as the sidecar’s own', () => {
    expect(parseFleetConfig({ network })).toEqual({ network });
    expect(pathsOf({ network: { clusters: [{ cluster: 'a', endpoints: [{ origin: 'x' }] }] } })).toEqual([
      'network.clusters[0].endpoints[0].origin',
    ]);
  });

  it('refuses a node’s own sections and a document that is not an object', () => {
    expect(pathsOf({ network, sidecar: {}, bus: {} })).toEqual(['sidecar', 'bus']);
    expect(pathsOf('network: {}')).toEqual(['']);
    expect(pathsOf({})).toEqual(['network']);
  });
});
