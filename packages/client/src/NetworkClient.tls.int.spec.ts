import { ConfigError, TlsError, type LogFields, type Logger } from '@slipstream/contracts';
import {
  Http2Upstream,
  makeTestCertificates,
  startUpstream,
  type TestCertificates,
  type Upstream,
} from '@slipstream/testkit';
import { AlertManager, MetricsRegistry, PrometheusExporter, RequestMetrics } from '@slipstream/monitor';
import { recordingBus } from '../test/recordingBus';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

/** A logger that keeps its warnings. */
function warningsLogger(): Logger & { warnings: [string, LogFields | undefined][] } {
  const warnings: [string, LogFields | undefined][] = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message: string, fields?: LogFields) => void warnings.push([message, fields]),
    child: () => logger,
  };
  return logger;
}

describe('NetworkClient with TLS upstreams', () => {
  let certs: TestCertificates;
  let mtls: Upstream;
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    certs = makeTestCertificates();
    mtls = await startUpstream({
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, requestCert: true },
    });
  });

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
    mtls.resetCounters();
  });

  afterAll(async () => {
    await mtls.close();
    certs.remove();
  });

  it('when the cluster has no CA, fails with a TlsError and does not retry it', async () => {
    client = createNetworkClient({ clusters: [{ cluster: 'api', endpoints: [{ origin: mtls.origin }] }] });
    const err = await client.request({ path: '/', cluster: 'api' }).catch((e: unknown) => e);
    expect(TlsError.is(err)).toBe(true);
    expect(client.stats().pools[0]).toMatchObject({ connectErrors: 1, staleRetries: 0 });
  });

  it('serves an mTLS upstream with the cluster’s CA and the endpoint’s client certificate (endpoint over cluster)', async () => {
    client = createNetworkClient({
      clusters: [
        {
          cluster: 'api',
          tls: { ca: certs.ca.certPath, cert: certs.server.certPath, key: certs.server.keyPath },
          endpoints: [
            { origin: mtls.origin, tls: { cert: certs.client.certPath, key: certs.client.keyPath } },
          ],
        },
      ],
    });
    const res = await client.request({ path: '/', cluster: 'api' });
    expect(res.statusCode).toBe(200);
    expect(mtls.counters().requestsServed).toBe(1);
  });

  it('refuses a client key that is not the certificate’s when the cluster is configured, naming the path', () => {
    const other = makeTestCertificates();
    try {
      const api = {
        cluster: 'api',
        endpoints: [{ origin: mtls.origin, tls: { cert: certs.client.certPath, key: other.client.keyPath } }],
      };
      const build = (): NetworkClient => createNetworkClient({ clusters: [api] });
      expect(build).toThrow(ConfigError);
      expect(build).toThrow(
        'clusters[0].endpoints[0].tls.key: expected the private key of the cert beside it, received a key that does not match the certificate',
      );
      client = createNetworkClient();
      // A cluster configured alone (the bus command's payload): the path inside it.
      expect(() => client!.configureCluster(api)).toThrow(
        'endpoints[0].tls.key: expected the private key of the cert beside it',
      );
    } finally {
      other.remove();
    }
  });

  it('refuses a cert on the cluster with its key on the endpoint, saying both must be set at the same level', () => {
    const build = (): NetworkClient =>
      createNetworkClient({
        clusters: [
          {
            cluster: 'api',
            tls: { cert: certs.client.certPath },
            endpoints: [{ origin: mtls.origin, tls: { key: certs.client.keyPath } }],
          },
        ],
      });
    expect(build).toThrow(
      'clusters[0].tls.key: expected key beside cert in the same tls block: mutual TLS needs both, set at the same level (both on the cluster or both on the endpoint',
    );
    expect(build).toThrow(
      'clusters[0].endpoints[0].tls.cert: expected cert beside key in the same tls block',
    );
  });

  it('with rejectUnauthorized false, serves without the CA and warns once per cluster', async () => {
    const logger = warningsLogger();
    const cluster = {
      cluster: 'api',
      tls: { rejectUnauthorized: false, cert: certs.client.cert, key: certs.client.key },
      endpoints: [{ origin: mtls.origin }],
    };
    client = createNetworkClient({ clusters: [cluster] }, { logger });
    client.configureCluster(cluster);
    expect((await client.request({ path: '/', cluster: 'api' })).statusCode).toBe(200);
    expect(logger.warnings).toEqual([
      [expect.stringContaining('rejectUnauthorized: false'), { cluster: 'api' }],
    ]);
  });

  it("sends a cluster's requests as HTTP/2 streams with protocol 'h2'", async () => {
    const h2 = await new Http2Upstream({ cert: certs.server.cert, key: certs.server.key }).start();
    try {
      client = createNetworkClient({
        pool: { connections: 1 },
        clusters: [
          { cluster: 'h2', protocol: 'h2', tls: { ca: certs.ca.cert }, endpoints: [{ origin: h2.origin }] },
        ],
      });
      const statuses = await Promise.all(
        Array.from({ length: 50 }, () =>
          client!.request({ path: '/?delay=20', cluster: 'h2' }).then((r) => r.statusCode),
        ),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(h2.counters().connectionsAccepted).toBe(1);
      expect(h2.counters().maxConcurrentStreams).toBeGreaterThan(1);
      expect(client.stats().pools[0]?.protocol).toBe('h2');
    } finally {
      await client?.destroy();
      client = undefined;
      await h2.close();
    }
  });

  it('with rejectUnauthorized false and no logger, emits one SLIP_WARN_INSECURE_TLS process warning per cluster', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const lax = {
        cluster: 'lax',
        tls: { rejectUnauthorized: false },
        endpoints: [{ origin: mtls.origin }],
      };
      client = createNetworkClient({ clusters: [lax] });
      client.configureCluster(lax);
      client.configureCluster({
        cluster: 'other',
        endpoints: [{ origin: mtls.origin.replace('127.0.0.1', 'localhost') }],
        tls: { rejectUnauthorized: false },
      });
      client.configureCluster({
        cluster: 'strict',
        tls: { ca: certs.ca.cert },
        endpoints: [{ origin: 'https://strict.test:1' }],
      });
      expect(emitWarning.mock.calls).toEqual([
        [
          expect.stringContaining('rejectUnauthorized: false'),
          { code: 'SLIP_WARN_INSECURE_TLS', detail: 'cluster: lax' },
        ],
        [
          expect.stringContaining('rejectUnauthorized: false'),
          { code: 'SLIP_WARN_INSECURE_TLS', detail: 'cluster: other' },
        ],
      ]);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("with protocol 'h1', speaks HTTP/1.1 to an upstream that offers h2 too; with 'auto', ALPN picks h2", async () => {
    const both = await new Http2Upstream({
      cert: certs.server.cert,
      key: certs.server.key,
      allowHTTP1: true,
    }).start();
    try {
      const sessionOf = async (protocol: 'h1' | 'auto'): Promise<{ session: number; pool?: string }> => {
        const c = createNetworkClient({
          clusters: [
            { cluster: 'up', protocol, tls: { ca: certs.ca.cert }, endpoints: [{ origin: both.origin }] },
          ],
        });
        try {
          const res = await c.request({ path: '/', cluster: 'up' });
          // The upstream answers HTTP/1.1 requests with session 0, HTTP/2 streams with their session's number.
          return { session: res.json<{ session: number }>().session, pool: c.stats().pools[0]?.protocol };
        } finally {
          await c.destroy();
        }
      };
      expect(await sessionOf('h1')).toEqual({ session: 0, pool: 'h1' });
      const auto = await sessionOf('auto');
      expect(auto.pool).toBe('h2');
      expect(auto.session).toBeGreaterThan(0);
    } finally {
      await both.close();
    }
  });

  it("closes connections after an endpoint's maxRequestsPerConnection (endpoint over cluster)", async () => {
    const up = await startUpstream();
    try {
      client = createNetworkClient({
        pool: { connections: 1 },
        clusters: [
          {
            cluster: 'api',
            maxRequestsPerConnection: 5,
            endpoints: [{ origin: up.origin, maxRequestsPerConnection: 2 }],
          },
        ],
      });
      for (let i = 0; i < 10; i++) await client.request({ path: '/', cluster: 'api' });
      // Health checks share the pool: at most 2 requests per connection, whatever they were.
      const { connectionsAccepted, requestsServed } = up.counters();
      expect(requestsServed).toBeGreaterThanOrEqual(10);
      expect(connectionsAccepted).toBeGreaterThanOrEqual(Math.ceil(requestsServed / 2));
      expect(client.stats().pools[0]?.connectionsRetiredByRequests).toBeGreaterThanOrEqual(4);
    } finally {
      await client?.destroy();
      client = undefined;
      await up.close();
    }
  });

  it('exposes the certificate expiry in the stats and as a gauge, and an "expires within N days" rule fires', async () => {
    const soon = makeTestCertificates({ serverDays: 3 });
    const up = await startUpstream({ tls: { cert: soon.server.cert, key: soon.server.key } });
    const metrics = new MetricsRegistry();
    const { bus } = recordingBus();
    const rule = (name: string, days: number) => ({
      name,
      metric: 'certificateExpiryDays' as const,
      comparator: '<' as const,
      threshold: days,
      cluster: 'soon',
    });
    const alerts = new AlertManager(metrics, bus, warningsLogger(), {
      rules: [rule('within-7', 7), rule('within-2', 2)],
    });
    try {
      client = createNetworkClient(
        { clusters: [{ cluster: 'soon', tls: { ca: soon.ca.cert }, endpoints: [{ origin: up.origin }] }] },
        { metrics },
      );
      await client.request({ path: '/', cluster: 'soon' });
      const days = client.stats().pools[0]?.certificateDaysLeft;
      expect(days).toBeGreaterThan(2);
      expect(days).toBeLessThanOrEqual(3);
      const exposition = await new PrometheusExporter(metrics, new RequestMetrics()).expose();
      const gauge = exposition.match(/slipstream_pool_certificate_expiry_days\{origin="([^"]+)"\} ([\d.]+)/);
      expect(gauge?.[1]).toBe(up.origin);
      expect(Number(gauge?.[2])).toBeCloseTo(days!, 2);
      alerts.evaluate();
      expect(alerts.firing().map((a) => a.rule)).toEqual(['within-7']);
    } finally {
      alerts.stop();
      await client?.destroy();
      client = undefined;
      await up.close();
      soon.remove();
    }
  });
});
