import { BusUnavailableError } from '@slipstream/contracts';

import { RecordingLogger } from '../test/RecordingLogger';
import { PrivateNatsServer, envelope, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { NatsTransport } from './NatsTransport';

let server: PrivateNatsServer;
let transport: NatsTransport;

beforeAll(async () => {
  server = await PrivateNatsServer.start();
});

afterAll(async () => {
  await transport?.close();
  await server.dispose();
});

describe(NatsTransport, () => {
  describe('.publish()', () => {
    it('when nats-server restarts mid-run, every publish is either delivered or rejected with BusUnavailableError', async () => {
      transport = new NatsTransport(
        {
          servers: [server.url],
          namespace: `slipr${uniqueSuffix()}`,
          reconnectTimeWaitMs: 100,
          bufferMaxMessages: 200,
        },
        new RecordingLogger(),
      );
      await transport.connect();
      const received = new Set<string>();
      transport.subscribe('r.msg', (e) => void received.add(e.id));
      await transport.flush();

      const outcomes = new Map<string, Promise<'ok' | 'rejected'>>();
      const publish = (count: number): void => {
        for (let i = 0; i < count; i++) {
          const e = envelope('r.msg', { i });
          outcomes.set(
            e.id,
            transport.publish(e).then(
              () => 'ok' as const,
              (err: unknown) => {
                if (!BusUnavailableError.is(err)) throw err;
                return 'rejected' as const;
              },
            ),
          );
        }
      };

      publish(300);
      await server.stop();
      publish(100);
      await waitFor(() => transport.stats().disconnects >= 1);
      publish(300); // 200 held, 100 beyond the bound
      await server.start();
      await waitFor(() => transport.stats().reconnects >= 1, 30_000);
      publish(300);

      const settled = await Promise.all(outcomes.values());
      await transport.flush();
      const ok = [...outcomes.keys()].filter((_, i) => settled[i] === 'ok');
      await waitFor(() => ok.every((id) => received.has(id)), 20_000);
      const rejected = settled.filter((s) => s === 'rejected').length;
      expect(ok.length + rejected).toBe(1_000);
      expect(rejected).toBeGreaterThanOrEqual(100);
      expect(transport.stats().buffer).toMatchObject({ held: 0, flushed: 200 });
    }, 90_000);
  });
});
