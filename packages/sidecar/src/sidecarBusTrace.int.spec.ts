import { trace } from '@opentelemetry/api';
import { createLogger, MessageBus } from '@slipstream/core';
import { NatsTransport } from '@slipstream/transport-nats';
import { randomBytes } from 'node:crypto';
import { installTestTracing, type TestTracing } from '../../monitor/src/test/installTestTracing';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { startRecordingServer, type RecordingServer } from './test/recordingServer';

const logger = createLogger({ silent: true });
const SERVERS = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];

describe('a trace from an agent across the bus (NATS) into the sidecar', () => {
  const namespace = `sliptrace${randomBytes(4).toString('hex')}`;
  let tracing: TestTracing;
  let upstream: RecordingServer;
  let sidecar: RunningSidecar;
  let agentBus: MessageBus;

  beforeAll(async () => {
    tracing = installTestTracing();
    upstream = await startRecordingServer();
    sidecar = await startSidecar({
      logger,
      config: {
        bus: { transport: 'nats', servers: SERVERS, namespace },
        discovery: { enabled: false },
        network: {
          clusters: [{ cluster: 'api', endpoints: [{ origin: upstream.origin }] }],
          routes: [{ id: 'api', match: { path: '/api/' }, cluster: 'api' }],
          monitoring: { tracing: { enabled: true } },
        },
        sidecar: { listen: { port: 0 }, admin: { enabled: false }, watch: false },
      },
    });
    // The agent's own connection: nothing but the envelope carries its context to the sidecar.
    const transport = new NatsTransport({ servers: SERVERS, name: 'trace-agent', namespace }, logger);
    await transport.connect();
    agentBus = new MessageBus(transport, logger, { source: 'agent' });
  });
  afterAll(async () => {
    await agentBus.close();
    await sidecar.stop();
    await upstream.close();
    await tracing.uninstall();
  });

  it("when an agent sends network.proxy.request inside its task's span, the sidecar's request span is that span's child and the upstream sees its trace id", async () => {
    const task = await trace.getTracer('agent').startActiveSpan('sarah.task', async (span) => {
      const reply = await agentBus.request('network.proxy.request', {
        req: { path: '/api/traced' },
        opts: {},
      });
      expect(reply.statusCode).toBe(200);
      span.end();
      return span.spanContext();
    });
    const request = tracing
      .spans()
      .find((s) => s.name === 'GET api' && s.attributes['url.path'] === '/api/traced');
    expect(request?.spanContext().traceId).toBe(task.traceId);
    expect(request?.parentSpanContext?.spanId).toBe(task.spanId);
    const seen = upstream.seen.find((r) => r.url === '/api/traced');
    expect(seen?.headers.traceparent).toMatch(new RegExp(`^00-${task.traceId}-[0-9a-f]{16}-01$`));
  });
});
