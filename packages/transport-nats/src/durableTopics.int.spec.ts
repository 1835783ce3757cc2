import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import type { DeliveryInfo, Envelope, TopicPayload } from '@slipstream/contracts';
import { MessageBus } from '@slipstream/core';

import { RecordingLogger } from '../test/RecordingLogger';
import { SHARED_NATS, envelope, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { connectNats } from './connectNats';
import { DEAD_LETTER_HEADERS, NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';

const suffix = uniqueSuffix();
const namespace = `slipdt${suffix}`;
const streamName = `SLIPDT_${suffix}`;
const opened: NatsTransport[] = [];
let raw: NatsConnection;

async function node(name: string, options: NatsTransportOptions = {}): Promise<NatsTransport> {
  const transport = new NatsTransport(
    {
      servers: [SHARED_NATS],
      namespace,
      streamName,
      streamStorage: 'memory',
      name,
      durableTopics: ['dt.broadcast', 'dt.restart', 'dt.from', 'dt.poison', 'dt.gone'],
      nakDelayMs: 0,
      ...options,
    },
    new RecordingLogger(),
  );
  opened.push(transport);
  await transport.connect();
  return transport;
}

async function publishAll(t: NatsTransport, topic: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) await t.publish(envelope(topic, { n }));
}

beforeAll(async () => {
  raw = await connectNats({ servers: SHARED_NATS });
});

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  const jsm = await jetstreamManager(raw);
  await jsm.streams.delete(streamName).catch(() => false);
  await raw.close();
});

describe(NatsTransport, () => {
  describe('durable topics', () => {
    it('when two broadcast subscribers on two nodes take 20 messages, each gets all 20 (and a group of two takes each message once)', async () => {
      const a = await node(`a${suffix}`);
      const b = await node(`b${suffix}`);
      const got = { a: [] as number[], b: [] as number[], group: [] as number[] };
      const n = (e: Envelope): number => (e.payload as { n: number }).n;
      a.subscribe('dt.broadcast', (e) => void got.a.push(n(e)));
      b.subscribe('dt.broadcast', (e) => void got.b.push(n(e)));
      a.subscribe('dt.broadcast', (e) => void got.group.push(n(e)), { group: 'pool' });
      b.subscribe('dt.broadcast', (e) => void got.group.push(n(e)), { group: 'pool' });
      await Promise.all([a.flush(), b.flush()]);
      await publishAll(a, 'dt.broadcast', 0, 20);
      await waitFor(() => got.a.length === 20 && got.b.length === 20 && new Set(got.group).size === 20);
      // A last message through both: a group member that had a consumer of its own would by now
      // have delivered copies of the first 20 as well.
      await publishAll(a, 'dt.broadcast', 20, 21);
      await waitFor(() => got.a.includes(20) && got.b.includes(20) && got.group.includes(20));
      expect(got.a).toEqual(Array.from({ length: 21 }, (_, i) => i));
      expect(got.b).toEqual(Array.from({ length: 21 }, (_, i) => i));
      expect([...got.group].sort((x, y) => x - y)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    });

    it('when a broadcast subscriber restarts mid-stream under its node name, it resumes: no loss, no replay of what it had', async () => {
      const publisher = await node(`p${suffix}`);
      const other = await node(`o${suffix}`);
      const otherGot: number[] = [];
      other.subscribe('dt.restart', (e) => void otherGot.push((e.payload as { n: number }).n));
      const name = `r${suffix}`;
      const first = await node(name);
      const before: number[] = [];
      first.subscribe('dt.restart', (e) => void before.push((e.payload as { n: number }).n));
      await Promise.all([first.flush(), other.flush()]);
      await publishAll(publisher, 'dt.restart', 0, 10);
      await waitFor(() => before.length === 10);
      await first.close();
      await publishAll(publisher, 'dt.restart', 10, 20);

      const restarted = await node(name);
      const after: number[] = [];
      restarted.subscribe('dt.restart', (e) => void after.push((e.payload as { n: number }).n));
      await waitFor(() => after.length >= 10 && otherGot.length === 20);
      await publishAll(publisher, 'dt.restart', 20, 21);
      await waitFor(() => after.includes(20));
      expect(before).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(after).toEqual(Array.from({ length: 11 }, (_, i) => 10 + i));
    });

    it('when a consumer is created, starts from new messages unless durableDeliverFrom is all', async () => {
      const publisher = await node(`fp${suffix}`);
      await publishAll(publisher, 'dt.from', 0, 5);
      const fresh = await node(`fn${suffix}`);
      const all = await node(`fa${suffix}`, { durableDeliverFrom: 'all' });
      const got = { fresh: [] as number[], all: [] as number[] };
      fresh.subscribe('dt.from', (e) => void got.fresh.push((e.payload as { n: number }).n));
      all.subscribe('dt.from', (e) => void got.all.push((e.payload as { n: number }).n));
      await Promise.all([fresh.flush(), all.flush()]);
      await publishAll(publisher, 'dt.from', 5, 6);
      await waitFor(() => got.fresh.includes(5) && got.all.length === 6);
      expect(got.fresh).toEqual([5]);
      expect(got.all).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it.each([
      ['a consumer it creates', false],
      ['a consumer made before (without a threshold)', true],
    ])(
      'when a node is gone for longer than consumerInactiveThresholdMs, the server removes its broadcast consumer (%s)',
      async (_kind, preexisting) => {
        const name = `g${preexisting ? 'p' : 'n'}${suffix}`;
        const consumerName = `node-${name}-dt_gone-1`;
        const jsm = await jetstreamManager(raw);
        const consumers = async (): Promise<string[]> =>
          (await jsm.consumers.list(streamName).next()).map((c) => c.name);
        if (preexisting) {
          await (await node(`gs${suffix}`)).publish(envelope('dt.gone', {}));
          await jsm.consumers.add(streamName, {
            durable_name: consumerName,
            filter_subject: `${namespace}.dt.gone`,
            ack_policy: AckPolicy.Explicit,
          });
        }
        const t = await node(name, { consumerInactiveThresholdMs: 1_000 });
        t.subscribe('dt.gone', () => undefined);
        await t.flush();
        expect(await consumers()).toContain(consumerName);
        await t.close();
        // Bounded: 80 polls of 250 ms.
        for (let i = 0; i < 80 && (await consumers()).includes(consumerName); i++) {
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(await consumers()).not.toContain(consumerName);
      },
    );

    it('when a handler fails every delivery, after maxDeliver the message lands on the dead-letter subject with its headers and last error, and bus.deadletter is published', async () => {
      const t = await node(`dl${suffix}`, { maxDeliver: 3 });
      const bus = new MessageBus(t, new RecordingLogger(), { source: 'dl-test' });
      const deadLetters: Msg[] = [];
      const sub = raw.subscribe(`${namespace}.deadletter.dt.poison`, {
        callback: (_err, msg) => void deadLetters.push(msg),
      });
      await raw.flush();
      const events: TopicPayload<'bus.deadletter'>[] = [];
      bus.subscribe('bus.deadletter', (p) => void events.push(p));
      const attempts: DeliveryInfo[] = [];
      const healthy: Envelope[] = [];
      bus.subscribe('dt.poison' as never, (p: { poison: boolean }, env, delivery) => {
        if (!p.poison) return void healthy.push(env);
        attempts.push(delivery);
        throw new Error(`poisoned on attempt ${delivery.attempt}`);
      });
      await bus.flush();
      const poison = envelope('dt.poison', { poison: true });
      await t.publish(poison);
      await waitFor(() => deadLetters.length === 1 && events.length === 1);
      await t.publish(envelope('dt.poison', { poison: false }));
      await waitFor(() => healthy.length === 1);
      sub.unsubscribe();

      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      const letter = deadLetters[0]!;
      expect(JSON.parse(new TextDecoder().decode(letter.data))).toMatchObject({ id: poison.id });
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.error)).toBe('SLIP_ERR_INTERNAL: poisoned on attempt 3');
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.deliveries)).toBe('3');
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.msgId)).toBe(poison.id);
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.topic)).toBe('dt.poison');
      expect(events[0]).toMatchObject({
        topic: 'dt.poison',
        subject: `${namespace}.deadletter.dt.poison`,
        id: poison.id,
        deliveries: 3,
        error: { message: 'poisoned on attempt 3' },
      });
      expect(t.stats().deadLettered).toBe(1);
      expect(attempts).toHaveLength(3);
    });
  });
});
