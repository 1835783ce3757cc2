import { MetricsRegistry } from '../registry/MetricsRegistry';
import { parseExposition } from '../test/parseExposition';
import { PrometheusExporter } from './PrometheusExporter';

describe('PrometheusExporter', () => {
  describe('.expose()', () => {
    it('when traffic and sources are recorded, exposes labelled series read at scrape time', async () => {
      const registry = new MetricsRegistry();
      const exporter = new PrometheusExporter(registry);
      const labels = { cluster: 'users', endpoint: 'http://a:1', route: 'r1', qosClass: 'standard' };
      registry.recordRequest({ ...labels, durationMs: 10, bytesOutWire: 5 });
      registry.recordRequest({ ...labels, durationMs: 20, errorKind: 'timeout' });
      registry.registerSource('breakers', () => [
        {
          endpoint: 'http://a:1',
          state: 'open',
          successes: 0,
          failures: 5,
          timeouts: 0,
          rejects: 1,
          fallbacks: 0,
          opens: 1,
          halfOpens: 0,
          closes: 0,
        },
      ]);
      const samples = parseExposition(await exporter.expose());
      const find = (name: string, extra: Record<string, string> = {}) =>
        samples.find((s) => s.name === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v));
      const series = { cluster: 'users', endpoint: 'http://a:1', route: 'r1', class: 'standard' };
      expect(find('slipstream_requests_total', { ...series, outcome: 'success' })?.value).toBe(1);
      expect(find('slipstream_requests_total', { ...series, outcome: 'error' })?.value).toBe(1);
      expect(find('slipstream_request_errors_total', { ...series, kind: 'timeout' })?.value).toBe(1);
      expect(find('slipstream_bytes_total', { ...series, direction: 'out', layer: 'wire' })?.value).toBe(5);
      expect(find('slipstream_breaker_state', { endpoint: 'http://a:1', state: 'open' })?.value).toBe(1);
      expect(find('slipstream_metrics_collected_total')?.value).toBe(registry.metricsCollected);
      expect(find('slipstream_health_score', { cluster: '_all' })).toBeDefined();
      const p50 = find('slipstream_request_duration_seconds', { ...series, quantile: '0.5' })!.value;
      expect(Math.abs(p50 - 0.01) / 0.01).toBeLessThan(0.01);

      // a second scrape reads the new totals, not the sum of two scrapes
      registry.recordRequest({ ...labels, durationMs: 10 });
      const again = parseExposition(await exporter.expose());
      expect(
        again.find((s) => s.name === 'slipstream_requests_total' && s.labels.outcome === 'success')?.value,
      ).toBe(2);
      registry.close();
    });
  });
});
