import { trace } from '@opentelemetry/api';
import { createNetworkClient } from '@slipstream/client';
import { MessageBus } from '@slipstream/core';
import { TracingObserver } from '@slipstream/monitor';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { installTestTracing, type TestTracing } from '../../monitor/src/test/installTestTracing';
import { RecordingLogger } from '../test/RecordingLogger';
import { SHARED_NATS, uniqueSuffix } from '../test/natsTestUtils';
import { NatsTransport } from './NatsTransport';

describe('trace context across the bus (NATS)', () => {
  const namespace = `slipt${uniqueSuffix()}`;
  let tracing: TestTracing;
  let up: Upstream;
  const transports: NatsTransport[] = [];

  beforeAll(async () => {
    tracing = installTestTracing();
    up = await startUpstream();
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await up.close();
    await tracing.uninstall();
  });

  async function bus(source: string): Promise<MessageBus> {
    const transport = new NatsTransport({ servers: [SHARED_NATS], namespace }, new RecordingLogger());
    transports.push(transport);
    await transport.connect();
    return new MessageBus(transport, new RecordingLogger(), { source });
  }

  it('when an agent publishes a task inside a span, the sidecar request it causes is in the same trace, child of that span', async () => {
    const agent = await bus('agent');
    const sidecar = await bus('sidecar');
    const client = createNetworkClient(
      { clusters: [{ cluster: 'api', endpoints: [{ origin: up.origin }] }] },
      { observers: [new TracingObserver()] },
    );
    let served!: () => void;
    const done = new Promise<void>((resolve) => (served = resolve));
    sidecar.subscribe('trace.task', async () => {
      await client.request({ path: '/task', cluster: 'api' });
      served();
    });
    await sidecar.flush();
    const root = await trace.getTracer('test').startActiveSpan('sarah.task', async (span) => {
      await agent.publish('trace.task', { n: 1 });
      span.end();
      return span;
    });
    await done;
    await client.close();
    const request = tracing.spans().find((s) => s.name === 'GET api');
    expect(request?.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(request?.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  });
});
