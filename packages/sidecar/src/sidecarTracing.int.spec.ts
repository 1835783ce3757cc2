import { createLogger } from '@slipstream/core';
import { ACCESS_LOG_MESSAGE } from '@slipstream/monitor';
import { PassThrough } from 'node:stream';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { installTestTracing, type TestTracing } from '../../monitor/src/test/installTestTracing';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { send } from './test/httpExchange';
import { startRecordingServer, type RecordingServer } from './test/recordingServer';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

describe('the sidecar with tracing and the access log on, the OpenTelemetry SDK registered', () => {
  let tracing: TestTracing;
  let upstream: RecordingServer;
  let sidecar: RunningSidecar;
  const log = new PassThrough();
  const logged: string[] = [];
  log.on('data', (chunk: Buffer) => logged.push(chunk.toString()));

  beforeAll(async () => {
    tracing = installTestTracing();
    upstream = await startRecordingServer();
    sidecar = await startSidecar({
      config: {
        network: {
          clusters: [{ cluster: 'orders', endpoints: [{ origin: upstream.origin }] }],
          routes: [{ id: 'orders', match: { path: '/orders/' }, cluster: 'orders' }],
          monitoring: { tracing: { enabled: true }, accessLog: { enabled: true } },
        },
        sidecar: { listen: { port: 0 }, admin: { enabled: false }, watch: false },
      },
      logger: createLogger({ destination: log, format: 'json' }),
    });
  });
  afterAll(async () => {
    await sidecar.stop();
    await upstream.close();
    await tracing.uninstall();
  });

  /** The ended request span of `path` (it ends as the proxy finishes the response: a few turns at most). */
  async function requestSpan(path: string): Promise<ReadableSpan> {
    for (let turn = 0; turn < 100; turn++) {
      const span = tracing.spans().find((s) => s.name === 'GET orders' && s.attributes['url.path'] === path);
      if (span) return span;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request span for ${path}`);
  }

  it('when a request carries traceparent and tracestate, makes its request span the caller span’s child, the upstream and the access log see the same trace', async () => {
    const res = await send(sidecar.proxyUrl, {
      path: '/orders/1',
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, tracestate: 'vendor=abc' },
    });
    expect(res.status).toBe(200);
    const span = await requestSpan('/orders/1');
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    const attempt = tracing.spans().find((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);
    expect(attempt?.name).toBe('attempt 1');
    const seen = upstream.seen.find((r) => r.url === '/orders/1')!;
    expect(seen.headers.traceparent).toBe(`00-${TRACE_ID}-${attempt!.spanContext().spanId}-01`);
    expect(seen.headers.tracestate).toBe('vendor=abc');
    const access = logged
      .join('')
      .split('\n')
      .filter((line) => line.includes('"path":"/orders/1"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(access.map((line) => [line.message, line.traceId])).toEqual([[ACCESS_LOG_MESSAGE, TRACE_ID]]);
  });

  it('when a request carries no traceparent, starts a new trace that the upstream sees', async () => {
    await send(sidecar.proxyUrl, { path: '/orders/2' });
    const span = await requestSpan('/orders/2');
    expect(span.parentSpanContext).toBeUndefined();
    const seen = upstream.seen.find((r) => r.url === '/orders/2')!;
    expect(seen.headers.traceparent).toMatch(
      new RegExp(`^00-${span.spanContext().traceId}-[0-9a-f]{16}-01$`),
    );
  });
});
