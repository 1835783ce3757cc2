import { jetstreamManager } from '@nats-io/jetstream';
import { BusUnavailableError } from '@slipstream/contracts';

import { RecordingLogger } from '../test/RecordingLogger';
import { PrivateNatsServer, envelope, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { connectNats } from './connectNats';
import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';

/** The node name of every transport here (durable broadcast consumers are named from it). */
const NODE = 'sd-node';
let server: PrivateNatsServer;
const opened: NatsTransport[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

function open(options: NatsTransportOptions = {}, logger = new RecordingLogger()): NatsTransport {
  const transport = new NatsTransport(
    {
      servers: [server.url],
      namespace: `slips${uniqueSuffix()}`,
      name: NODE,
      reconnectTimeWaitMs: 100,
      ...options,
    },
    logger,
  );
  opened.push(transport);
  return transport;
}

/** How many deliveries of the first broadcast consumer of `topic` (node `NODE`) wait for their ack on the server. */
async function ackPending(stream: string, topic: string): Promise<number> {
  const nc = await connectNats({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(stream, `node-${NODE}-${topic.replace(/\./g, '_')}-1`);
    return info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

beforeAll(async () => {
  server = await PrivateNatsServer.start();
  process.on('unhandledRejection', onUnhandled);
});

afterEach(() => {
  server.resume();
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(opened.map((t) => t.close()));
  await server.dispose();
});

describe(NatsTransport, () => {
  describe('.close()', () => {
    it('when a durable handler is still running as close() starts, its ack reaches the server before the drain', async () => {
      const logger = new RecordingLogger();
      const stream = `SD_${uniqueSuffix()}`;
      const t = open({ durableTopics: ['sd.task'], streamName: stream }, logger);
      await t.connect();
      const held = gate();
      let entered = 0;
      t.subscribe('sd.task', async () => {
        entered += 1;
        await held.promise;
      });
      await t.flush();
      await t.publish(envelope('sd.task', {}));
      await waitFor(() => entered === 1);
      // Released after the drain would have finished had close() not waited for the handler.
      setTimeout(() => held.open(), 100);
      await t.close();
      expect(await ackPending(stream, 'sd.task')).toBe(0);
      expect(unhandled).toEqual([]);
    }, 60_000);

    it('when a durable handler outlives drainTimeoutMs, its late ack neither crashes nor is counted (redelivered later)', async () => {
      const stream = `SD_${uniqueSuffix()}`;
      const t = open({ durableTopics: ['sd.late'], streamName: stream, drainTimeoutMs: 200 });
      await t.connect();
      const held = gate();
      let entered = 0;
      let finished = 0;
      t.subscribe('sd.late', async () => {
        entered += 1;
        await held.promise;
        finished += 1;
      });
      await t.flush();
      await t.publish(envelope('sd.late', {}));
      await waitFor(() => entered === 1);
      await t.close();
      held.open();
      await waitFor(() => finished === 1);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
      expect(await ackPending(stream, 'sd.late')).toBe(1);
    }, 60_000);

    it('when the server was killed before close(), resolves without waiting for a PONG', async () => {
      const t = open();
      await t.connect();
      await server.stop();
      await waitFor(() => t.stats().disconnects >= 1);
      await expect(t.flush()).resolves.toBeUndefined();
      await expect(t.close()).resolves.toBeUndefined();
      await server.start();
    }, 60_000);

    it('when the server hangs (no PONG), flush() rejects and close() resolves after drainTimeoutMs', async () => {
      const logger = new RecordingLogger();
      const t = open({ drainTimeoutMs: 300 }, logger);
      await t.connect();
      await server.pause();
      await expect(t.flush()).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(t.close()).resolves.toBeUndefined();
      expect(logger.lines.some((l) => l.message === 'NATS drain did not finish in time; closing')).toBe(true);
    }, 60_000);
  });
});
