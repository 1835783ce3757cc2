import { createLogger } from '@slipstream/core';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { parseExposition } from '../../monitor/src/test/parseExposition';
import { promtoolCheckMetrics } from '../../monitor/src/test/promtool';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { send } from './test/httpExchange';

/** Families the traffic below fills: the latency histogram, request, outcome, breaker, pool and batch series. */
const FAMILIES = [
  'slipstream_request_duration_seconds_bucket',
  'slipstream_request_duration_seconds_sum',
  'slipstream_request_duration_seconds_count',
  'slipstream_requests_total',
  'slipstream_request_outcomes_total',
  'slipstream_breaker_state',
  'slipstream_breaker_transitions_total',
  'slipstream_pool_bytes_total',
  'slipstream_batches_total',
  'slipstream_batch_calls_total',
];

describe("the sidecar's /metrics", () => {
  let ups: Upstream[];
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    ups = await startUpstreams(2);
    // The second endpoint fails /api/fail: failure outcomes and an open breaker.
    ups[1]!.setBehaviour([{ match: { pathPrefix: '/api/fail' }, behaviour: { status: 500 } }]);
    sidecar = await startSidecar({
      logger: createLogger({ silent: true }),
      config: {
        network: {
          clusters: [
            { cluster: 'api', algorithm: 'round-robin', endpoints: ups.map((u) => ({ origin: u.origin })) },
          ],
          routes: [{ id: 'api', match: { path: '/api/' }, cluster: 'api' }],
          breaker: { volumeThreshold: 2, resetTimeoutMs: 60_000 },
          batching: { maxBatchSize: 10, maxDelayMs: 5 },
        },
        sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
      },
    });
    for (let i = 0; i < 20; i++) await send(sidecar.proxyUrl, { path: `/api/ok/${i}` });
    for (let i = 0; i < 6; i++) await send(sidecar.proxyUrl, { path: '/api/fail' });
    const rpc = await send(sidecar.proxyUrl, {
      method: 'POST',
      path: '/_slipstream/rpc/api',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: ['x'] }),
    });
    expect(rpc.status).toBe(200);
  });
  afterAll(async () => {
    await sidecar.stop();
    await Promise.all(ups.map((u) => u.close()));
  });

  it('after traffic through the proxy, has every family the traffic fills and `promtool check metrics` exits 0', async () => {
    const text = await (await fetch(`${sidecar.adminUrl!}/metrics`)).text();
    const names = new Set(parseExposition(text).map((s) => s.name));
    expect(FAMILIES.filter((f) => !names.has(f))).toEqual([]);
    expect(await promtoolCheckMetrics(text)).toEqual({ exitCode: 0, output: '' });
  });

  it('from the config file: prometheus.defaultMetrics adds Node’s process metrics, prometheus.maxSeries bounds the label sets', async () => {
    const bounded = await startSidecar({
      logger: createLogger({ silent: true }),
      config: {
        network: {
          clusters: [{ cluster: 'api', endpoints: [{ origin: ups[0]!.origin }] }],
          routes: [
            { id: 'one', match: { path: '/one/' }, cluster: 'api' },
            { id: 'two', match: { path: '/two/' }, cluster: 'api' },
          ],
          monitoring: { prometheus: { defaultMetrics: true, maxSeries: 1 } },
        },
        sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
      },
    });
    try {
      await send(bounded.proxyUrl, { path: '/one/x' });
      await send(bounded.proxyUrl, { path: '/two/x' });
      const samples = parseExposition(await (await fetch(`${bounded.adminUrl!}/metrics`)).text());
      expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
      const routes = new Set(
        samples.filter((s) => s.name === 'slipstream_requests_total').map((s) => s.labels.route),
      );
      expect(routes).toEqual(new Set(['one', '_overflow']));
    } finally {
      await bounded.stop();
    }
  });
});
