import { MetricsRegistry, PrometheusExporter, AdminServer, RequestMetrics } from '@slipstream/monitor';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { histogramQuantile } from '../../../monitor/src/test/histogramQuantile';
import { parseExposition } from '../../../monitor/src/test/parseExposition';
import { promtoolCheckMetrics } from '../../../monitor/src/test/promtool';
import { createNetworkClient } from '../createNetworkClient';
import type { NetworkClient } from '../NetworkClient';

/** Every metric family the exporter defines, each of which the traffic below must fill. */
const FAMILIES = [
  'slipstream_request_duration_seconds_bucket',
  'slipstream_requests_total',
  'slipstream_request_outcomes_total',
  'slipstream_retries_total',
  'slipstream_hedges_total',
  'slipstream_inflight_requests',
  'slipstream_endpoint_ejected',
  'slipstream_endpoint_healthy',
  'slipstream_endpoint_ejections_total',
  'slipstream_breaker_state',
  'slipstream_breaker_transitions_total',
  'slipstream_breaker_rejections_total',
  'slipstream_concurrency_limit',
  'slipstream_qos_queued_requests',
  'slipstream_qos_admitted_total',
  'slipstream_qos_shed_total',
  'slipstream_pool_connections_open',
  'slipstream_pool_connections_created_total',
  'slipstream_pool_requests',
  'slipstream_pool_bytes_total',
  'slipstream_batches_total',
  'slipstream_batch_calls_total',
  'slipstream_metrics_collected_total',
];

describe('the Prometheus exporter fed by the NetworkClient', () => {
  let ups: Upstream[];
  let client: NetworkClient;
  let metrics: MetricsRegistry;
  let admin: AdminServer;
  let url: string;

  beforeAll(async () => {
    ups = await startUpstreams(3);
    const [ok, shared, flaky] = ups as [Upstream, Upstream, Upstream];
    // Cluster a's answers take 5-80 ms, so its p99 lies in a middle bucket (not the first, where
    // any histogram would agree); the shared endpoint fails in cluster b only: its breaker opens
    // there and stays closed in a.
    const spread = {
      match: { pathPrefix: '/a/' },
      behaviour: { latencyMs: { distribution: 'uniform' as const, min: 5, max: 80 } },
    };
    ok.setBehaviour([spread]);
    shared.setBehaviour([spread, { match: { pathPrefix: '/b/' }, behaviour: { status: 500 } }]);
    flaky.setBehaviour({ reset: 'beforeHeaders' });
    metrics = new MetricsRegistry();
    const requests = new RequestMetrics();
    client = createNetworkClient(
      {
        clusters: [
          {
            cluster: 'a',
            algorithm: 'round-robin',
            endpoints: [{ origin: ok.origin }, { origin: shared.origin }],
          },
          {
            cluster: 'b',
            endpoints: [{ origin: shared.origin }],
            outlierDetection: { consecutiveFailures: 2, baseEjectionMs: 60_000 },
          },
          {
            cluster: 'c',
            algorithm: 'round-robin',
            endpoints: [{ origin: flaky.origin }, { origin: ok.origin }],
          },
        ],
        routes: [
          { id: 'ra', match: { path: '/a/' }, cluster: 'a' },
          { id: 'rb', match: { path: '/b/' }, cluster: 'b' },
          { id: 'rc', match: { path: '/c/' }, cluster: 'c' },
        ],
        classes: [
          { name: 'standard', priority: 1, shedOrder: 1 },
          { name: 'tiny', priority: 0, shedOrder: 0, rateLimit: { ratePerSec: 0.001, burst: 1 } },
        ],
        breaker: { volumeThreshold: 2, resetTimeoutMs: 60_000 },
      },
      { metrics, observers: [requests] },
    );
    admin = new AdminServer(metrics, new PrometheusExporter(metrics, requests, { defaultMetrics: true }), {
      port: 0,
    });
    url = await admin.start();
    for (let i = 0; i < 40; i++) await client.request({ path: '/a/x' });
    for (let i = 0; i < 4; i++) await client.request({ path: '/b/x' }).catch(() => undefined);
    for (let i = 0; i < 6; i++) await client.request({ path: '/c/x' }).catch(() => undefined);
    await Promise.allSettled([1, 2, 3].map(() => client.request({ path: '/a/x' }, { priority: 'tiny' })));
    await client.call('echo', [1], { cluster: 'a' });
  });
  afterAll(async () => {
    await admin.close();
    await client.close();
    metrics.close();
    await Promise.all(ups.map((u) => u.close()));
  });

  it('when traffic exercised every series, /metrics has samples of every family and `promtool check metrics` exits 0', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const names = new Set(parseExposition(text).map((s) => s.name));
    expect(FAMILIES.filter((f) => !names.has(f))).toEqual([]);
    expect(await promtoolCheckMetrics(text)).toEqual({ exitCode: 0, output: '' });
  });

  it('when one endpoint has breakers in two clusters, shows the open breaker under its own cluster (regression: read as closed)', async () => {
    const samples = parseExposition(await (await fetch(`${url}/metrics`)).text());
    const state = (cluster: string, s: string) =>
      samples.find(
        (x) =>
          x.name === 'slipstream_breaker_state' &&
          x.labels.cluster === cluster &&
          x.labels.endpoint === ups[1]!.origin &&
          x.labels.state === s,
      )?.value;
    expect({ a: state('a', 'open'), b: state('b', 'open') }).toEqual({ a: 0, b: 1 });
    expect(
      client
        .stats()
        .breakers.map((b) => b.cluster)
        .sort(),
    ).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it("when computed PromQL-style, histogram_quantile(0.99) of a cluster's buckets is within one bucket of the client's own p99", async () => {
    const samples = parseExposition(await (await fetch(`${url}/metrics`)).text());
    const promP99Ms =
      histogramQuantile(0.99, samples, 'slipstream_request_duration_seconds', { cluster: 'a' }) * 1_000;
    const ownP99Ms = metrics.performance('a').latencyP99;
    const { latencyBucketIndex } = await import('@slipstream/monitor');
    expect(latencyBucketIndex(ownP99Ms)).toBeGreaterThan(latencyBucketIndex(30));
    expect(Math.abs(latencyBucketIndex(promP99Ms) - latencyBucketIndex(ownP99Ms))).toBeLessThanOrEqual(1);
  });
});
