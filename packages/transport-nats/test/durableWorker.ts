/**
 * A consumer process for the durability test: takes durable `dur.task` commands and appends
 * each processed envelope id to a file. Configured through environment variables.
 */
import { appendFileSync } from 'node:fs';

import { NatsTransport } from '../src/NatsTransport';
import { RecordingLogger } from './RecordingLogger';

const { NATS_URL, SLIP_NAMESPACE, SLIP_STREAM, SLIP_OUT } = process.env;
if (!NATS_URL || !SLIP_NAMESPACE || !SLIP_STREAM || !SLIP_OUT) throw new Error('missing environment');

const transport = new NatsTransport(
  {
    servers: [NATS_URL],
    namespace: SLIP_NAMESPACE,
    name: 'durable-worker',
    streamName: SLIP_STREAM,
    durableTopics: ['dur.task'],
    ackWaitMs: 1_500,
    handlerConcurrency: 8,
    durableDeliverFrom: 'all',
  },
  new RecordingLogger(),
);

void transport.connect().then(() => {
  transport.subscribe(
    'dur.task',
    async (envelope, delivery) => {
      await new Promise((r) => setTimeout(r, 3));
      appendFileSync(SLIP_OUT, `${envelope.id} ${delivery.attempt}\n`);
    },
    { group: 'workers' },
  );
  process.send?.('ready');
});
