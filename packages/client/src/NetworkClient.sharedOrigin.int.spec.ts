import { ConfigError } from '@slipstream/contracts';
import {
  makeTestCertificates,
  startUpstream,
  type TestCertificates,
  type Upstream,
} from '@slipstream/testkit';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

/** The ConfigError `build` throws (fails the test when it throws none). */
function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (err) {
    if (ConfigError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('NetworkClient with clusters that share an origin', () => {
  let certs: TestCertificates;
  let up: Upstream;
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    certs = makeTestCertificates();
    up = await startUpstream({ tls: { cert: certs.server.cert, key: certs.server.key } });
  });

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
  });

  afterAll(async () => {
    await up.close();
    certs.remove();
  });

  // The review of #18: the second cluster's TLS settings silently replaced the first's in the
  // one pool of their origin, so the first cluster's requests went out without verification.
  it('refuses, at construction, a second cluster at the same origin with other TLS settings, naming both paths', () => {
    const err = configErrorOf(() =>
      createNetworkClient({
        clusters: [
          { cluster: 'strict', tls: { ca: certs.ca.certPath }, endpoints: [{ origin: up.origin }] },
          { cluster: 'lax', tls: { rejectUnauthorized: false }, endpoints: [{ origin: up.origin }] },
        ],
      }),
    );
    expect(err.issues).toEqual([
      {
        path: 'clusters[1].endpoints[0].tls.ca',
        expected: expect.stringContaining(
          `${JSON.stringify(certs.ca.certPath)} as at clusters[0].endpoints[0].tls.ca (cluster "strict")`,
        ) as string,
        received: 'not set',
      },
      {
        path: 'clusters[1].endpoints[0].tls.rejectUnauthorized',
        expected: expect.stringContaining(
          'true as at clusters[0].endpoints[0].tls.rejectUnauthorized',
        ) as string,
        received: 'false',
      },
    ]);
  });

  it('treats http(s)://host:default-port, an upper-case host and the short form as one origin', () => {
    const err = configErrorOf(() =>
      createNetworkClient({
        clusters: [
          { cluster: 'a', endpoints: [{ origin: 'https://Example.test:443' }] },
          { cluster: 'b', protocol: 'auto', endpoints: [{ origin: 'https://example.test' }] },
        ],
      }),
    );
    expect(err.issues).toEqual([
      expect.objectContaining({ path: 'clusters[1].endpoints[0].protocol', received: '"auto"' }),
    ]);
    expect(() =>
      createNetworkClient({
        clusters: [
          { cluster: 'a', endpoints: [{ origin: 'http://h.test' }, { origin: 'http://H.test:80' }] },
        ],
      }),
    ).toThrow('clusters[0].endpoints: expected endpoints with unique origins');
  });

  it('refuses it when a cluster is configured later (the bus command path), keeping the clusters in force', async () => {
    client = createNetworkClient({
      clusters: [{ cluster: 'strict', tls: { ca: certs.ca.cert }, endpoints: [{ origin: up.origin }] }],
    });
    const err = configErrorOf(() =>
      client!.configureCluster({
        cluster: 'lax',
        tls: { ca: certs.ca.cert, rejectUnauthorized: false },
        endpoints: [{ origin: up.origin }],
      }),
    );
    expect(err.issues).toEqual([
      {
        path: `clusters.lax.endpoints[${up.origin}].tls.rejectUnauthorized`,
        expected: expect.stringContaining(
          `true as at clusters.strict.endpoints[${up.origin}].tls.rejectUnauthorized (cluster "strict")`,
        ) as string,
        received: 'false',
      },
    ]);
    expect(client.stats().clusters.map((c) => c.cluster)).toEqual(['strict']);
    expect((await client.request({ cluster: 'strict', path: '/' })).statusCode).toBe(200);
  });

  it('lets clusters share an origin when their connection settings are the same (one pool)', async () => {
    client = createNetworkClient({
      clusters: [
        { cluster: 'a', tls: { ca: certs.ca.cert }, endpoints: [{ origin: up.origin }] },
        {
          cluster: 'b',
          endpoints: [{ origin: up.origin, tls: { ca: certs.ca.cert, minVersion: 'TLSv1.2' } }],
        },
      ],
    });
    expect((await client.request({ cluster: 'a', path: '/' })).statusCode).toBe(200);
    expect((await client.request({ cluster: 'b', path: '/' })).statusCode).toBe(200);
    expect(client.stats().pools).toHaveLength(1);
  });
});
