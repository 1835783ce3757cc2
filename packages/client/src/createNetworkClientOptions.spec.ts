import { ConfigError } from '@slipstream/contracts';
import { createNetworkClient } from './createNetworkClient';

const api = { cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:8080' }] };

/** The issues of the `ConfigError` that `create` throws. */
function issuesOf(create: () => unknown): ConfigError['issues'] {
  try {
    create();
  } catch (err) {
    if (ConfigError.is(err)) return err.issues;
    throw err;
  }
  throw new Error('no ConfigError thrown');
}

describe('createNetworkClient options', () => {
  it('when breaker.cluster names no configured cluster, refuses it at its path', () => {
    expect(issuesOf(() => createNetworkClient({ clusters: [api], breaker: { cluster: 'Api' } }))).toEqual([
      { path: 'breaker.cluster', expected: 'a configured cluster ("api")', received: '"Api" (string)' },
    ]);
  });

  it('when breaker.cluster names a configured cluster, accepts it', async () => {
    const client = createNetworkClient({ clusters: [api], breaker: { cluster: 'api', volumeThreshold: 3 } });
    expect(client.settings().clusterBreakers.api).toMatchObject({ volumeThreshold: 3 });
    await client.close();
  });
});
