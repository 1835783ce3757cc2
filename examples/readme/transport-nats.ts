// examples/readme/transport-nats.ts
import type { SarahTask } from '@slipstream/contracts';
import { createLogger, MessageBus } from '@slipstream/core';
import {
  connectWithOptions,
  FleetConfigStore,
  NatsTransport,
  resolveNatsTransportOptions,
} from '@slipstream/transport-nats';

/** Stands in for the work a task asks for. */
function work(task: SarahTask, attempt: number): Promise<void> {
  console.log(`task ${task.taskId}, delivery ${attempt}`);
  return Promise.resolve();
}

async function main(): Promise<void> {
  const logger = createLogger({ level: 'warn' });
  const options = { servers: ['127.0.0.1:4222'], name: 'node-1', durableTopics: ['sarah.task'] };
  const transport = new NatsTransport(options, logger);
  await transport.connect();
  const bus = new MessageBus(transport, logger, { source: 'node-1' });
  const worked = new Promise<void>((resolve) => {
    bus.subscribe('sarah.task', (task, _env, { attempt }) => work(task, attempt).then(resolve), {
      group: 'sarah',
    });
  });
  await bus.flush(); // the subscription is in place on the server
  await bus.publish('sarah.task', { taskId: 't1', kind: 'aggregate' });
  await worked;

  // Fleet configuration on a JetStream key-value bucket (what `slipstream config push|status` uses).
  const nc = await connectWithOptions(resolveNatsTransportOptions(options));
  const validate = (input: unknown): unknown => input; // a sidecar passes `parseFleetConfig`
  const store = await FleetConfigStore.open(nc, { bucket: 'example-config', validate });
  const { revision } = await store.push({ network: { clusters: [] } }); // validated, then stored
  console.log(`revision ${revision}; nodes: ${JSON.stringify(await store.status())}`);
  await nc.close();
  await bus.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
