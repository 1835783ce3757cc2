import { ConfigError } from '@slipstream/contracts';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

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

  it('when a duration feeding a timer exceeds what a Node timer keeps (2³¹ − 1 ms), refuses it at its path', () => {
    const tooLong = 2 ** 31;
    const issues = issuesOf(() =>
      createNetworkClient({
        clusters: [api],
        classes: [{ name: 'standard', priority: 1, queueTimeoutMs: tooLong }],
        // `windowMs` is the routing package's limiter setting, taken by the schema beyond the contract's type.
        adaptiveConcurrency: { probeIntervalMs: tooLong, ...({ windowMs: tooLong } as object) },
        retry: { maxRetryAfterMs: tooLong },
      }),
    );
    expect(issues).toEqual([
      {
        path: 'classes[0].queueTimeoutMs',
        expected: 'number <= 2147483647',
        received: '2147483648 (number)',
      },
      {
        path: 'adaptiveConcurrency.probeIntervalMs',
        expected: 'number <= 2147483647',
        received: '2147483648 (number)',
      },
      {
        path: 'adaptiveConcurrency.windowMs',
        expected: 'number <= 2147483647',
        received: '2147483648 (number)',
      },
      { path: 'retry.maxRetryAfterMs', expected: 'number <= 2147483647', received: '2147483648 (number)' },
    ]);
  });

  it('when a queue timeout is at the timer cap, accepts it', async () => {
    const client = createNetworkClient({
      clusters: [api],
      classes: [{ name: 'standard', priority: 1, queueTimeoutMs: 2 ** 31 - 1 }],
    });
    await client.close();
  });

  it('when a breaker fallback has no body, or one JSON cannot carry, says in words what the body must be', () => {
    const expected =
      'a JSON value for the response body (a string, which may be empty, a number, a boolean, null, an array or an object)';
    const withBody = (fallback: object): NetworkClientOptions['breaker'] => ({
      fallback: fallback as { status: number; body: unknown },
    });
    expect(
      issuesOf(() => createNetworkClient({ clusters: [api], breaker: withBody({ status: 503 }) })),
    ).toEqual([{ path: 'breaker.fallback.body', expected, received: 'undefined' }]);
    expect(
      issuesOf(() => createNetworkClient({ clusters: [api], breaker: withBody({ status: 503, body: 1n }) })),
    ).toEqual([{ path: 'breaker.fallback.body', expected, received: '1n (bigint)' }]);
  });

  it('when a breaker fallback has an empty string body, accepts it', async () => {
    const client = createNetworkClient({ clusters: [api], breaker: { fallback: { status: 503, body: '' } } });
    await client.close();
  });
});
