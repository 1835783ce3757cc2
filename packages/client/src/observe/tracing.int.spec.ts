import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TracingObserver } from '@slipstream/monitor';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { installTestTracing, type TestTracing } from '../../../monitor/src/test/installTestTracing';
import { createNetworkClient } from '../createNetworkClient';
import type { NetworkClient } from '../NetworkClient';

describe('tracing fed by the NetworkClient, with the OpenTelemetry SDK registered', () => {
  let tracing: TestTracing;
  let broken: Upstream;
  let server: Server;
  let origin: string;
  const traceparents: string[] = [];
  let client: NetworkClient;

  beforeAll(async () => {
    tracing = installTestTracing();
    broken = await startUpstream();
    broken.setBehaviour({ reset: 'beforeHeaders' });
    server = createServer((req, res) => {
      // Only the requests under test (not the balancer's health checks).
      if (req.url?.startsWith('/users') === true || req.url?.startsWith('/hedged') === true)
        traceparents.push(String(req.headers.traceparent));
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createNetworkClient(
      {
        clusters: [
          { cluster: 'api', algorithm: 'round-robin', endpoints: [{ origin: broken.origin }, { origin }] },
        ],
        routes: [{ id: 'users', match: { path: '/users' }, cluster: 'api' }],
        breaker: { volumeThreshold: 1_000 },
      },
      { observers: [new TracingObserver()] },
    );
  });
  afterAll(async () => {
    await client.close();
    await broken.close();
    await new Promise((resolve) => server.close(resolve));
    await tracing.uninstall();
  });

  it('when a request is retried, makes one trace: a request span with an attempt span per attempt, the upstream seeing the last one', async () => {
    const before = tracing.spans().length;
    // Round robin: the first attempt goes to the broken endpoint, the retry to the good one.
    await client.request({ path: '/users/1' });
    await client.request({ path: '/users/2' });
    const spans = tracing.spans().slice(before);
    const requests = spans.filter((s) => s.name === 'GET users');
    expect(requests).toHaveLength(2);
    expect(new Set(requests.map((s) => s.spanContext().traceId)).size).toBe(2);
    const first = requests[0]!;
    const traceId = first.spanContext().traceId;
    const attempts = spans.filter((s) => s.parentSpanContext?.spanId === first.spanContext().spanId);
    expect(
      attempts.map((s) => [
        s.name,
        s.attributes['slipstream.attempt.reason'],
        s.attributes['slipstream.outcome'],
      ]),
    ).toEqual([
      ['attempt 1', 'first', 'upstream_failure'],
      ['attempt 2', 'retry', 'success'],
    ]);
    expect(attempts[1]!.attributes['slipstream.retry_of']).toBe('upstream_failure');
    expect(attempts[1]!.attributes['server.address']).toBe(origin);
    expect(attempts.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(first.attributes).toMatchObject({
      'slipstream.route': 'users',
      'slipstream.cluster': 'api',
      'slipstream.qos_class': 'standard',
      'slipstream.outcome': 'success',
      'slipstream.attempts': 2,
      'url.path': '/users/1',
    });
    expect(typeof first.attributes['slipstream.queue_wait_ms']).toBe('number');
    expect(traceparents[0]).toBe(`00-${traceId}-${attempts[1]!.spanContext().spanId}-01`);
  });

  it('when a request is hedged, gives the hedge its own attempt span beside the first, the upstream seeing the hedge', async () => {
    const hanging = await startUpstream({ behaviour: { hang: true } });
    const hedged = createNetworkClient(
      {
        clusters: [
          {
            cluster: 'slow',
            algorithm: 'round-robin',
            endpoints: [{ origin: hanging.origin }, { origin }],
            healthCheck: { intervalMs: 60_000 },
          },
        ],
        routes: [
          { id: 'hedged', match: { path: '/hedged' }, cluster: 'slow', policy: { hedge: { delayMs: 20 } } },
        ],
        breaker: { volumeThreshold: 1_000 },
      },
      { observers: [new TracingObserver()] },
    );
    const seen = traceparents.length;
    try {
      // Round robin: the first attempt goes to the hanging endpoint, the hedge to the good one.
      expect((await hedged.request({ path: '/hedged' })).statusCode).toBe(200);
    } finally {
      await hedged.close();
      await hanging.close();
    }
    const request = tracing.spans().find((s) => s.name === 'GET hedged')!;
    const children = tracing
      .spans()
      .filter((s) => s.parentSpanContext?.spanId === request.spanContext().spanId)
      .map((s) => [s.name, s.attributes['slipstream.attempt.reason'], s.attributes['server.address']])
      .sort();
    expect(children).toEqual([
      ['attempt 1', 'first', hanging.origin],
      ['hedge 2', 'hedge', origin],
    ]);
    const hedge = tracing.spans().find((s) => s.name === 'hedge 2')!;
    expect(traceparents.slice(seen)).toEqual([
      `00-${request.spanContext().traceId}-${hedge.spanContext().spanId}-01`,
    ]);
  });
});
