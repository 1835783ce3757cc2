import type { NatsConnection } from '@nats-io/nats-core';
import {
  BusTimeoutError,
  BusUnavailableError,
  NoResponderError,
  type DeliveryInfo,
  type Envelope,
} from '@slipstream/contracts';

import { CONTRACT_EVENT_TOPICS, busContractSuite } from '@slipstream/core/test/busContractSuite';

import { RecordingLogger } from '../test/RecordingLogger';
import { freePort } from '@slipstream/testkit';
import { SHARED_NATS, envelope, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { connectNats } from './connectNats';
import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';
import { DurableTopicRequestError } from './errors/DurableTopicRequestError';
import { PayloadTooLargeError } from './errors/PayloadTooLargeError';

const suffix = uniqueSuffix();
const namespace = `slipt${suffix}`;
const streamName = `SLIPT_${suffix}`;
const opened: NatsTransport[] = [];
let raw: NatsConnection;

async function open(
  options: NatsTransportOptions = {},
  logger = new RecordingLogger(),
): Promise<NatsTransport> {
  const transport = new NatsTransport(
    { servers: [SHARED_NATS], namespace, streamName, name: `t${suffix}`, ...options },
    logger,
  );
  opened.push(transport);
  await transport.connect();
  return transport;
}

beforeAll(async () => {
  raw = await connectNats({ servers: SHARED_NATS });
});

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(raw);
  for (const name of [streamName, `${streamName}_R`, `${streamName}_Q`, `${streamName}_D`])
    await jsm.streams.delete(name).catch(() => false);
  await raw.close();
});

busContractSuite('nats', () => {
  const transport = new NatsTransport(
    { servers: [SHARED_NATS], namespace: `${namespace}c`, streamName },
    new RecordingLogger(),
  );
  opened.push(transport);
  return transport;
});

let contractNode = 0;
busContractSuite('durable nats', () => {
  // Every transport is a node of its own (its broadcast consumers are its own); with maxDeliver 1
  // a failing handler's message is dead-lettered at once, as in-process it is not retried.
  const transport = new NatsTransport(
    {
      servers: [SHARED_NATS],
      namespace: `${namespace}d`,
      streamName: `${streamName}_D`,
      streamStorage: 'memory',
      name: `contract-${++contractNode}`,
      durableTopics: [...CONTRACT_EVENT_TOPICS],
      maxDeliver: 1,
    },
    new RecordingLogger(),
  );
  opened.push(transport);
  return transport;
});

describe(NatsTransport, () => {
  describe('.publish()', () => {
    it('when two subscribers have no group, delivers to both (broadcast)', async () => {
      const t = await open();
      const a: Envelope[] = [];
      const b: Envelope[] = [];
      t.subscribe('demo.broadcast', (e) => void a.push(e));
      t.subscribe('demo.broadcast', (e) => void b.push(e));
      await t.flush();
      const sent = envelope('demo.broadcast', { n: 1 });
      await t.publish(sent);
      await waitFor(() => a.length === 1 && b.length === 1);
      expect(a[0]).toEqual(sent);
      expect(b[0]).toEqual(sent);
    });

    it('when 10 000 messages go to a group of 3 consumers, each arrives exactly once, spread over all three', async () => {
      const consumers = await Promise.all([open(), open(), open()]);
      const counts = [0, 0, 0];
      const seen = new Set<string>();
      let total = 0;
      consumers.forEach((c, i) =>
        c.subscribe(
          'demo.balanced',
          (e) => {
            counts[i] = (counts[i] ?? 0) + 1;
            total += 1;
            seen.add(e.id);
          },
          { group: 'workers' },
        ),
      );
      await Promise.all(consumers.map((c) => c.flush()));
      const publisher = await open();
      const N = 10_000;
      for (let sent = 0; sent < N; sent += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, N - sent) }, (_, i) =>
            publisher.publish(envelope('demo.balanced', { n: sent + i })),
          ),
        );
      }
      await waitFor(() => total >= N, 60_000);
      await Promise.all(consumers.map((c) => c.flush()));
      expect(total).toBe(N);
      expect(seen.size).toBe(N);
      for (const count of counts) expect(count).toBeGreaterThan(0);
    }, 90_000);

    it('when the envelope is larger than maxPayloadBytes, rejects with PayloadTooLargeError', async () => {
      const t = await open({ maxPayloadBytes: 1_024 });
      await expect(t.publish(envelope('demo.big', { blob: 'x'.repeat(2_000) }))).rejects.toBeInstanceOf(
        PayloadTooLargeError,
      );
    });

    it('when published before connect() was called, rejects at once with BusUnavailableError', async () => {
      const t = new NatsTransport({ servers: [SHARED_NATS], namespace }, new RecordingLogger());
      await expect(t.publish(envelope('demo.early', {}))).rejects.toBeInstanceOf(BusUnavailableError);
    });

    it('when published while the first connect is under way, is sent once it connects (not held forever)', async () => {
      const t = new NatsTransport({ servers: [SHARED_NATS], namespace }, new RecordingLogger());
      opened.push(t);
      const probe = await open();
      const got: Envelope[] = [];
      probe.subscribe('demo.connecting', (e) => void got.push(e));
      await probe.flush();
      const connecting = t.connect();
      const sent = t.publish(envelope('demo.connecting', {}));
      await connecting;
      await sent;
      await waitFor(() => got.length === 1);
    });

    it('when published while a connect that then fails is under way, rejects with BusUnavailableError', async () => {
      const t = new NatsTransport(
        { servers: [`127.0.0.1:${await freePort()}`], namespace },
        new RecordingLogger(),
      );
      const connecting = t.connect().catch((e: unknown) => e);
      const sent = t.publish(envelope('demo.unreachable', {})).catch((e: unknown) => e);
      expect(await connecting).toBeInstanceOf(BusUnavailableError);
      expect(await sent).toBeInstanceOf(BusUnavailableError);
    });

    it('when the transport is closed, rejects with BusUnavailableError', async () => {
      const t = await open();
      await t.close();
      await expect(t.publish(envelope('demo.closed', {}))).rejects.toBeInstanceOf(BusUnavailableError);
    });
  });

  describe('.subscribe()', () => {
    it('when the pattern has wildcards, matches like NATS (* one token, > the rest)', async () => {
      const t = await open();
      const star: string[] = [];
      const rest: string[] = [];
      t.subscribe('wild.*', (e) => void star.push(e.topic));
      t.subscribe('wild.>', (e) => void rest.push(e.topic));
      await t.flush();
      await t.publish(envelope('wild.one', {}));
      await t.publish(envelope('wild.one.two', {}));
      await waitFor(() => rest.length === 2);
      await t.flush();
      expect(star).toEqual(['wild.one']);
      expect(rest.sort()).toEqual(['wild.one', 'wild.one.two']);
    });

    it('when a malformed or oversized message arrives, logs and drops it and keeps delivering', async () => {
      const logger = new RecordingLogger();
      const t = await open({ maxPayloadBytes: 4_096 }, logger);
      const got: Envelope[] = [];
      t.subscribe('bad.input', (e) => void got.push(e));
      await t.flush();
      raw.publish(`${namespace}.bad.input`, 'not json {');
      raw.publish(`${namespace}.bad.input`, JSON.stringify({ id: 1 }));
      raw.publish(`${namespace}.bad.input`, 'y'.repeat(8_000));
      await raw.flush();
      const good = envelope('bad.input', { ok: true });
      await t.publish(good);
      await waitFor(() => got.length === 1);
      expect(got[0]?.id).toBe(good.id);
      expect(t.stats().dropped).toBe(3);
      expect(logger.lines.filter((l) => l.message === 'dropped a malformed message')).toHaveLength(3);
    });

    it('when a handler throws, logs it and keeps the subscription alive', async () => {
      const logger = new RecordingLogger();
      const t = await open({}, logger);
      let calls = 0;
      t.subscribe('throwing.topic', () => {
        calls += 1;
        throw new Error('boom');
      });
      await t.flush();
      await t.publish(envelope('throwing.topic', {}));
      await t.publish(envelope('throwing.topic', {}));
      await waitFor(() => calls === 2);
      expect(logger.lines.some((l) => l.message === 'handler failed')).toBe(true);
    });

    it('when the disposer is called, stops delivery (and a second call is harmless)', async () => {
      const t = await open();
      const got: Envelope[] = [];
      const dispose = t.subscribe('disposed.topic', (e) => void got.push(e));
      await t.flush();
      dispose();
      dispose();
      await t.flush();
      const probe: Envelope[] = [];
      t.subscribe('disposed.topic', (e) => void probe.push(e));
      await t.flush();
      await t.publish(envelope('disposed.topic', {}));
      await waitFor(() => probe.length === 1);
      expect(got).toHaveLength(0);
    });
  });

  describe('.request()', () => {
    it('when a responder publishes to replyTo, resolves with its reply envelope', async () => {
      const responder = await open();
      const requester = await open();
      responder.subscribe(
        'cmd.echo',
        async (e) => {
          await responder.publish(
            envelope(e.replyTo ?? 'missing', { echoed: e.payload }, { correlationId: e.id }),
          );
        },
        { group: 'cmd.echo' },
      );
      await responder.flush();
      const req = envelope('cmd.echo', { hello: 'world' });
      const reply = await requester.request(req, 10_000);
      expect(reply.payload).toEqual({ echoed: { hello: 'world' } });
      expect(reply.correlationId).toBe(req.id);
    });

    it('when nobody subscribes to the topic, rejects with NoResponderError', async () => {
      const t = await open();
      await expect(t.request(envelope('cmd.nobody', {}), 10_000)).rejects.toBeInstanceOf(NoResponderError);
    });

    it('when the responder never answers, rejects with BusTimeoutError after timeoutMs', async () => {
      const t = await open();
      t.subscribe('cmd.silent', () => undefined);
      await t.flush();
      const err = await t.request(envelope('cmd.silent', {}), 200).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BusTimeoutError);
      expect(err).toMatchObject({ topic: 'cmd.silent', timeoutMs: 200 });
    });

    it('when the signal aborts, rejects with its reason', async () => {
      const t = await open();
      t.subscribe('cmd.slow', () => undefined);
      await t.flush();
      const controller = new AbortController();
      const pending = t.request(envelope('cmd.slow', {}), 10_000, controller.signal);
      controller.abort(new Error('caller gave up'));
      await expect(pending).rejects.toThrow('caller gave up');
    });

    it('when the signal aborts, ends the request at once: it no longer waits for a reply', async () => {
      const t = await open();
      t.subscribe('cmd.slower', () => undefined);
      await t.flush();
      const controller = new AbortController();
      const pending = t
        .request(envelope('cmd.slower', {}), 60_000, controller.signal)
        .catch((e: unknown) => e);
      expect(t.stats().requestsPending).toBe(1);
      controller.abort(new Error('caller gave up'));
      await pending;
      await waitFor(() => t.stats().requestsPending === 0, 1_000);
    });
  });

  describe('handlerConcurrency', () => {
    it.each([
      ['core', {}],
      ['durable', { durableTopics: ['slots.topic'], streamName: `${streamName}_Q` }],
    ])(
      'when 12 %s messages arrive for a subscription, runs at most handlerConcurrency handlers at once',
      async (_kind, options) => {
        const t = await open({ handlerConcurrency: 3, ...options });
        let running = 0;
        let peak = 0;
        let done = 0;
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        t.subscribe('slots.topic', async () => {
          running += 1;
          peak = Math.max(peak, running);
          await held;
          running -= 1;
          done += 1;
        });
        await t.flush();
        for (let i = 0; i < 12; i++) await t.publish(envelope('slots.topic', { i }));
        await waitFor(() => running === 3);
        await t.flush();
        release();
        await waitFor(() => done === 12);
        expect(peak).toBe(3);
      },
    );
  });

  describe('durable topics', () => {
    it('when request() targets a durable topic, rejects at once with DurableTopicRequestError naming it', async () => {
      const t = await open({ durableTopics: ['job.ask'], streamName: `${streamName}_Q` });
      await expect(t.request(envelope('job.ask', {}), 10_000)).rejects.toMatchObject({
        code: DurableTopicRequestError.code,
        topic: 'job.ask',
      });
    });

    it('when 1 000 commands are published while no consumer runs, delivers them all once it subscribes', async () => {
      const options = {
        durableTopics: ['job.run'],
        streamName: `${streamName}_R`,
        durableDeliverFrom: 'all' as const,
      };
      const publisher = await open(options);
      const N = 1_000;
      const ids = new Set<string>();
      for (let sent = 0; sent < N; sent += 250) {
        await Promise.all(
          Array.from({ length: 250 }, () => {
            const e = envelope('job.run', { n: sent });
            ids.add(e.id);
            return publisher.publish(e);
          }),
        );
      }
      const consumer = await open(options);
      const processed = new Set<string>();
      consumer.subscribe('job.run', (e) => void processed.add(e.id), { group: 'runners' });
      await waitFor(() => processed.size === N, 60_000);
      expect([...processed].every((id) => ids.has(id))).toBe(true);
    }, 90_000);

    it('when the handler rejects, redelivers with a higher attempt', async () => {
      const t = await open({ durableTopics: ['job.retry'], nakDelayMs: 0 });
      const attempts: DeliveryInfo[] = [];
      t.subscribe('job.retry', (_e, delivery) => {
        attempts.push(delivery);
        if (delivery.attempt === 1) throw new Error('crash on first try');
      });
      await t.flush();
      await t.publish(envelope('job.retry', {}));
      await waitFor(() => attempts.length === 2);
      expect(attempts).toEqual([
        { attempt: 1, durable: true },
        { attempt: 2, durable: true },
      ]);
    });
  });
});
