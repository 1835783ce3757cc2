import type { BreakerStats, ObservedRequest } from '@slipstream/contracts';
import { MetricsRegistry } from '../registry/MetricsRegistry';
import { histogramQuantile } from '../test/histogramQuantile';
import { parseExposition, type Sample } from '../test/parseExposition';
import { promtoolCheckMetrics } from '../test/promtool';
import { LATENCY_BUCKETS_MS, latencyBucketIndex } from './LATENCY_BUCKETS_MS';
import { OVERFLOW_LABEL } from './LabelTree';
import { PrometheusExporter } from './PrometheusExporter';
import { RequestMetrics } from './RequestMetrics';

const REQUEST: ObservedRequest = {
  method: 'GET',
  path: '/x',
  cluster: 'users',
  route: 'r1',
  qosClass: 'standard',
  kind: 'request',
};

const breaker = (cluster: string, state: BreakerStats['state']): BreakerStats => ({
  endpoint: 'http://a:1',
  cluster,
  state,
  successes: 0,
  failures: 5,
  timeouts: 0,
  rejects: 1,
  fallbacks: 0,
  opens: state === 'open' ? 1 : 0,
  halfOpens: 0,
  closes: 0,
});

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('PrometheusExporter', () => {
  let registry: MetricsRegistry;
  beforeEach(() => {
    registry = new MetricsRegistry();
  });
  afterEach(() => registry.close());

  describe('.expose()', () => {
    it('when requests finish, exposes a cumulative latency histogram per outcome kind whose histogram_quantile(0.99) is within one bucket of the registry p99', async () => {
      const requests = new RequestMetrics();
      const exporter = new PrometheusExporter(registry, requests);
      for (let i = 0; i < 2_000; i++) {
        const u = ((i * 7_919) % 2_000) / 2_000;
        const durationMs = 1 + u * u * 400;
        const o = requests.requestStarted(REQUEST);
        o.attemptStarted({ attempt: 1, endpoint: 'http://a:1', reason: 'first' }, {}).finished({
          outcome: 'success',
        });
        o.finished({ outcome: 'success', durationMs, attempts: 1, endpoint: 'http://a:1' });
        registry.recordRequest({
          cluster: 'users',
          endpoint: 'http://a:1',
          route: 'r1',
          qosClass: 'standard',
          durationMs,
        });
      }
      const failed = requests.requestStarted(REQUEST);
      failed.finished({ outcome: 'upstream_failure', durationMs: 12, attempts: 1, endpoint: 'http://a:1' });
      const samples = parseExposition(await exporter.expose());
      const name = 'slipstream_request_duration_seconds';
      const success = { cluster: 'users', route: 'r1', endpoint: 'http://a:1', outcome: 'success' };
      const buckets = find(samples, `${name}_bucket`, success);
      expect(buckets).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
      const counts = buckets.map((b) => b.value);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(find(samples, `${name}_bucket`, { ...success, le: '+Inf' })[0]!.value).toBe(2_000);
      expect(find(samples, `${name}_count`, success)[0]!.value).toBe(2_000);
      expect(find(samples, `${name}_count`, { outcome: 'upstream_failure' })[0]!.value).toBe(1);
      expect(find(samples, `${name}_sum`, { outcome: 'upstream_failure' })[0]!.value).toBeCloseTo(0.012);
      expect(
        find(samples, 'slipstream_request_outcomes_total', { outcome: 'upstream_failure' })[0]!.value,
      ).toBe(1);
      expect(
        find(samples, 'slipstream_requests_total', { cluster: 'users', class: 'standard' })[0]!.value,
      ).toBe(2_001);

      const promP99Ms = histogramQuantile(0.99, samples, name, { outcome: 'success' }) * 1_000;
      const ownP99Ms = registry.allSeries()[0]!.latency.percentile(99);
      expect(Math.abs(latencyBucketIndex(promP99Ms) - latencyBucketIndex(ownP99Ms))).toBeLessThanOrEqual(1);
    });

    it('when one endpoint has breakers in two clusters, labels each state with its cluster (regression: open breaker read as closed)', async () => {
      const exporter = new PrometheusExporter(registry, new RequestMetrics());
      registry.registerSource('breakers', () => [breaker('a', 'open'), breaker('b', 'closed')]);
      const samples = parseExposition(await exporter.expose());
      const state = (cluster: string, s: string) =>
        find(samples, 'slipstream_breaker_state', { cluster, endpoint: 'http://a:1', state: s })[0]?.value;
      expect([state('a', 'open'), state('a', 'closed')]).toEqual([1, 0]);
      expect([state('b', 'open'), state('b', 'closed')]).toEqual([0, 1]);
      expect(
        find(samples, 'slipstream_breaker_transitions_total', { cluster: 'a', to: 'open' })[0]!.value,
      ).toBe(1);
    });

    it('when retries and hedges are sent, counts them per cluster', async () => {
      const requests = new RequestMetrics();
      const exporter = new PrometheusExporter(registry, requests);
      const o = requests.requestStarted(REQUEST);
      o.attemptStarted({ attempt: 1, endpoint: 'http://a:1', reason: 'first' }, {});
      o.attemptStarted(
        { attempt: 2, endpoint: 'http://b:1', reason: 'retry', retryOf: 'upstream_failure' },
        {},
      );
      o.attemptStarted({ attempt: 3, endpoint: 'http://c:1', reason: 'hedge' }, {});
      const samples = parseExposition(await exporter.expose());
      expect(find(samples, 'slipstream_retries_total', { cluster: 'users' })[0]!.value).toBe(1);
      expect(find(samples, 'slipstream_hedges_total', { cluster: 'users' })[0]!.value).toBe(1);
    });

    it('when label sets exceed maxSeries, records the rest under _overflow labels', async () => {
      const requests = new RequestMetrics({ maxSeries: 2 });
      const exporter = new PrometheusExporter(registry, requests);
      for (const endpoint of ['http://a:1', 'http://b:1', 'http://c:1', 'http://d:1']) {
        requests
          .requestStarted(REQUEST)
          .finished({ outcome: 'success', durationMs: 5, attempts: 1, endpoint });
      }
      const counts = find(
        parseExposition(await exporter.expose()),
        'slipstream_request_duration_seconds_count',
      );
      expect(counts.map((s) => [s.labels.endpoint, s.value])).toEqual([
        ['http://a:1', 1],
        ['http://b:1', 1],
        [OVERFLOW_LABEL, 2],
      ]);
      expect(() => new RequestMetrics({ maxSeries: 0 })).toThrow(/prometheus\.maxSeries/);
    });

    it('when defaultMetrics is on, adds Node process metrics; off (the default), none', async () => {
      const on = await new PrometheusExporter(registry, new RequestMetrics(), {
        defaultMetrics: true,
      }).expose();
      const off = await new PrometheusExporter(registry, new RequestMetrics()).expose();
      expect(on).toContain('process_cpu_user_seconds_total');
      expect(on).toContain('nodejs_eventloop_lag_seconds');
      expect(off).not.toContain('process_cpu');
    });

    it('when every series has data, `promtool check metrics` finds nothing to lint', async () => {
      const requests = new RequestMetrics();
      const exporter = new PrometheusExporter(registry, requests, { defaultMetrics: true });
      requests
        .requestStarted(REQUEST)
        .finished({ outcome: 'success', durationMs: 5, attempts: 1, endpoint: 'http://a:1' });
      requests.countAttempt('users', 'retry');
      registry.registerSource('breakers', () => [breaker('a', 'open')]);
      const verdict = await promtoolCheckMetrics(await exporter.expose());
      expect(verdict).toEqual({ exitCode: 0, output: '' });
    });
  });
});
