import { randomUUID } from 'node:crypto';

import type { JsMsg } from '@nats-io/jetstream';
import {
  createInbox,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/nats-core';
import {
  BusTimeoutError,
  BusUnavailableError,
  ConfigError,
  NoResponderError,
  SlipstreamError,
  TOKENS,
  type DeliveryInfo,
  type Disposer,
  type Envelope,
  type Logger,
  type SubscribeOptions,
  type TopicPayload,
  type Transport,
  type TransportHandler,
} from '@slipstream/contracts';
import { asError, serializeError } from '@slipstream/core';
import { inject, injectable } from 'inversify';

import { connectWithOptions } from './connectWithOptions';
import { EnvelopeCodec } from './EnvelopeCodec';
import { DurableTopicRequestError } from './errors/DurableTopicRequestError';
import { NatsAuthError } from './errors/NatsAuthError';
import { HandlerSlots } from './HandlerSlots';
import { JetStreamChannel } from './JetStreamChannel';
import { NATS_TRANSPORT_OPTIONS } from './natsTransportOptionsToken';
import {
  resolveNatsTransportOptions,
  type NatsTransportOptions,
  type ResolvedNatsTransportOptions,
} from './NatsTransportOptions';
import { PublishBuffer, type PublishBufferStats } from './PublishBuffer';

/** How a durable delivery ends: acknowledged, redelivered later, or given up on (dead-lettered). */
type Verdict = 'ack' | 'nak' | 'term';

/** Headers of a dead letter, beside the original message's own. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  /** The last error, `CODE: message`. */
  error: 'Slip-Dead-Letter-Error',
  /** The durable topic the message was published on. */
  topic: 'Slip-Dead-Letter-Topic',
  /** The durable consumer (subscription) that gave up on it. */
  consumer: 'Slip-Dead-Letter-Consumer',
  /** Deliveries made to that consumer. */
  deliveries: 'Slip-Dead-Letter-Deliveries',
  /** Its sequence number in the stream. */
  streamSeq: 'Slip-Dead-Letter-Stream-Seq',
  /** The message id it was published with (de-duplication), also the envelope id. */
  msgId: 'Slip-Dead-Letter-Msg-Id',
});

/** A request waiting for its reply. */
interface PendingRequest {
  reply(msg: Msg): void;
  close(): void;
}

/** One subscription as the transport keeps it: started on connect, stopped by its disposer. */
interface SubscriptionRecord {
  start(nc: NatsConnection): Promise<void>;
  stop(): void;
}

/** Counters of a `NatsTransport`, measured since it was created. */
export interface NatsTransportStats {
  /** Publishes confirmed (or handed over, when `confirmPublish` is off). */
  published: number;
  /** Publishes rejected (buffer full, disconnect before confirmation, closed). */
  publishRejected: number;
  /** Messages dropped on receipt as malformed or oversized. */
  dropped: number;
  /** Durable messages moved to the dead-letter subject. */
  deadLettered: number;
  /** Requests waiting for their reply now (an aborted or timed-out one is dropped at once). */
  requestsPending: number;
  /** Disconnects seen. */
  disconnects: number;
  /** Reconnects seen. */
  reconnects: number;
  /** The reconnect buffer's own counters. */
  buffer: PublishBufferStats;
}

/**
 * The bus transport over NATS: broadcast publish, queue groups for balanced delivery,
 * request/reply with typed timeout and no-responder errors (an aborted request ends at once and
 * its late reply is dropped), NATS wildcards, and JetStream (explicit ack, at-least-once) for the topics
 * configured as durable, with the same delivery meaning as in-process: each broadcast subscription
 * has its own durable consumer, named from the node and the subscription so a restart resumes it,
 * and a group shares one. After `maxDeliver` failed deliveries a message goes to the dead-letter
 * subject and `bus.deadletter` is published. Each subscription runs at most
 * `handlerConcurrency` handlers at once. Publishes made while
 * connecting or disconnected are held within a bound and replayed; beyond it (or before
 * `connect()`, or when the connect fails) they reject with `BusUnavailableError`. A malformed or
 * oversized message is logged and dropped. `request()` on a durable topic rejects with
 * `DurableTopicRequestError`: durable topics carry fire-and-forget commands. `close()` and
 * `flush()` are bounded by `drainTimeoutMs`, so a vanished server cannot hang a shutdown.
 */
@injectable()
export class NatsTransport implements Transport {
  readonly name = 'nats';
  readonly #options: ResolvedNatsTransportOptions;
  readonly #logger: Logger;
  readonly #codec: EnvelopeCodec;
  readonly #buffer: PublishBuffer;
  readonly #durable: ReadonlySet<string>;
  readonly #subscriptions = new Set<SubscriptionRecord>();
  /** Ordinals of the live broadcast subscriptions per durable topic (consumer `node-<name>-<topic>-<n>`). */
  readonly #broadcastOrdinals = new Map<string, Set<number>>();
  /** Requests waiting for their reply, by the last token of their reply subject. */
  readonly #pendingRequests = new Map<string, PendingRequest>();
  /** This connection's request inbox prefix, subscribed with `<prefix>.*` on the first request. */
  #requestInboxPrefix: string | undefined;
  #requestSeq = 0;
  readonly #starting = new Set<Promise<void>>();
  /** Durable handlers running now; `close()` lets them ack before it drains. */
  readonly #delivering = new Set<Promise<void>>();
  #nc: NatsConnection | undefined;
  #jetstream: JetStreamChannel | undefined;
  #state: 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed' = 'idle';
  #connecting: Promise<void> | undefined;
  #confirmation: Promise<void> | undefined;
  #published = 0;
  #publishRejected = 0;
  #dropped = 0;
  #deadLettered = 0;
  #disconnects = 0;
  #reconnects = 0;

  constructor(
    @inject(NATS_TRANSPORT_OPTIONS) options: NatsTransportOptions,
    @inject(TOKENS.Logger) logger: Logger,
  ) {
    this.#options = resolveNatsTransportOptions(options);
    this.#logger = logger.child({ transport: 'nats' });
    this.#codec = new EnvelopeCodec(this.#options.maxPayloadBytes);
    this.#buffer = new PublishBuffer(this.#options.bufferMaxMessages, this.#options.bufferMaxBytes);
    this.#durable = new Set(this.#options.durableTopics);
  }

  /** The options in force, defaults applied. */
  get options(): Readonly<ResolvedNatsTransportOptions> {
    return this.#options;
  }

  /**
   * Connects to the servers and starts every subscription made so far. Idempotent. Rejects with
   * `NatsAuthError` naming the credential the server refused (or the TLS option at fault),
   * `ConfigError` for an unreadable seed or creds file, else `BusUnavailableError`.
   */
  connect(): Promise<void> {
    if (this.#state === 'closed')
      return Promise.reject(new BusUnavailableError('the NATS transport is closed'));
    this.#connecting ??= this.#connect().catch((err: unknown) => {
      this.#connecting = undefined;
      if (this.#state !== 'closed') this.#state = 'idle';
      const message = `cannot connect to NATS at ${this.#options.servers.join(', ')}`;
      this.#buffer.rejectAll(message);
      if (NatsAuthError.is(err) || ConfigError.is(err)) throw err;
      throw new BusUnavailableError(message, { cause: err });
    });
    return this.#connecting;
  }

  /** Sends `envelope`: raw to a reply inbox, through JetStream for a durable topic, else core NATS. */
  async publish(envelope: Envelope): Promise<void> {
    if (this.#state === 'closed')
      throw this.#rejected(new BusUnavailableError('the NATS transport is closed'));
    if (this.#state === 'idle') {
      throw this.#rejected(
        new BusUnavailableError(`NATS is not connected (call connect()); "${envelope.topic}" not sent`),
      );
    }
    const data = this.#codec.encode(envelope);
    const subject = this.#subject(envelope.topic);
    const send = this.#durable.has(envelope.topic)
      ? () => this.#requireJetStream().publish(subject, data, envelope.id)
      : () => this.#sendCore(subject, data);
    try {
      if (this.#state === 'connected') await send();
      else await this.#buffer.hold(envelope.topic, data.byteLength, send);
    } catch (err) {
      throw this.#rejected(
        SlipstreamError.is(err)
          ? err
          : new BusUnavailableError(`publish on "${envelope.topic}" failed`, { cause: err }),
      );
    }
    this.#published += 1;
  }

  /** Subscribes to a topic pattern (`*`, `>`); a durable topic goes through a JetStream consumer. */
  subscribe(pattern: string, handler: TransportHandler, options: SubscribeOptions = {}): Disposer {
    const record = this.#durable.has(pattern)
      ? this.#durableSubscription(pattern, handler, options.group)
      : this.#coreSubscription(pattern, handler, options.group);
    this.#subscriptions.add(record);
    if (this.#nc !== undefined && this.#state !== 'closed') this.#start(record, this.#nc);
    let disposed = false;
    return () => {
      if (disposed) return;
      disposed = true;
      this.#subscriptions.delete(record);
      record.stop();
    };
  }

  /**
   * Sends a request; the reply comes back on this connection's request inbox
   * (`<inboxPrefix>.<nuid>.<n>`, set as `replyTo`). The reply, the timeout, an aborted signal or
   * `close()` ends the request at once and drops a later reply (`stats().requestsPending`).
   * Rejects at once with `DurableTopicRequestError` on a durable topic.
   */
  request(envelope: Envelope, timeoutMs: number, signal?: AbortSignal): Promise<Envelope> {
    signal?.throwIfAborted();
    if (this.#durable.has(envelope.topic))
      return Promise.reject(new DurableTopicRequestError(envelope.topic));
    const nc = this.#nc;
    if (nc === undefined || this.#state !== 'connected') {
      return Promise.reject(
        new BusUnavailableError(`NATS is not connected; request on "${envelope.topic}" not sent`),
      );
    }
    const { topic } = envelope;
    const data = this.#codec.encode(envelope);
    const inbox = this.#requestInbox(nc);
    const token = String(++this.#requestSeq);
    return new Promise<Envelope>((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        if (!this.#pendingRequests.delete(token)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const timer = setTimeout(() => finish(() => reject(new BusTimeoutError(topic, timeoutMs))), timeoutMs);
      const onAbort = (): void => finish(() => reject(signal!.reason as Error));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pendingRequests.set(token, {
        reply: (msg) =>
          finish(() => {
            if (msg.data.length === 0 && msg.headers?.code === 503)
              return reject(new NoResponderError(topic));
            try {
              resolve(this.#codec.decode(msg.subject, msg.data));
            } catch (err) {
              reject(asError(err));
            }
          }),
        close: () =>
          finish(() =>
            reject(new BusUnavailableError(`the NATS transport closed; request on "${topic}" dropped`)),
          ),
      });
      nc.publish(this.#subject(topic), data, { reply: `${inbox}.${token}` });
    });
  }

  /**
   * Waits for subscriptions being set up, then for the server to confirm everything sent so far.
   * Returns at once when not connected; rejects with `BusUnavailableError` when the server does
   * not confirm within `drainTimeoutMs`.
   */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#starting]);
    const nc = this.#nc;
    if (nc === undefined || this.#state !== 'connected') return;
    const { drainTimeoutMs } = this.#options;
    if (!(await this.#within(nc.flush(), drainTimeoutMs))) {
      throw new BusUnavailableError(`the NATS server did not confirm a flush within ${drainTimeoutMs} ms`);
    }
  }

  /**
   * Stops every subscription and rejects held publishes. When connected, lets running durable
   * handlers finish (so their acks go out) and drains the connection, both within
   * `drainTimeoutMs`; then (or at once when not connected) closes the connection.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const connected = this.#state === 'connected';
    this.#state = 'closed';
    this.#buffer.rejectAll('the NATS transport closed before the connection came back');
    for (const pending of [...this.#pendingRequests.values()]) pending.close();
    for (const record of this.#subscriptions) record.stop();
    this.#subscriptions.clear();
    const nc = this.#nc;
    if (nc === undefined || nc.isClosed()) return;
    if (connected) {
      const drained = Promise.allSettled([...this.#delivering]).then(() => nc.drain());
      const { drainTimeoutMs } = this.#options;
      const done = await this.#within(drained, drainTimeoutMs).catch((err: unknown) => {
        this.#logger.warn('NATS drain failed; closing', { error: errorMessage(err) });
        return undefined;
      });
      if (done === true) return;
      if (done === false) this.#logger.warn('NATS drain did not finish in time; closing', { drainTimeoutMs });
    }
    await nc.close();
  }

  /** Counters measured so far. */
  stats(): NatsTransportStats {
    return {
      published: this.#published,
      publishRejected: this.#publishRejected,
      dropped: this.#dropped,
      deadLettered: this.#deadLettered,
      requestsPending: this.#pendingRequests.size,
      disconnects: this.#disconnects,
      reconnects: this.#reconnects,
      buffer: this.#buffer.stats(),
    };
  }

  async #connect(): Promise<void> {
    const o = this.#options;
    this.#state = 'connecting';
    const nc = await connectWithOptions(o);
    if (this.#isClosed()) {
      await nc.close();
      return;
    }
    this.#nc = nc;
    if (this.#durable.size > 0) {
      this.#jetstream = new JetStreamChannel(nc, {
        streamName: o.streamName,
        subjects: [...this.#durable].flatMap((t) => [this.#subject(t), this.#deadLetterSubject(t)]),
        storage: o.streamStorage,
        maxAgeMs: o.streamMaxAgeMs,
        ackWaitMs: o.ackWaitMs,
        deliverFrom: o.durableDeliverFrom,
        inactiveThresholdMs: o.consumerInactiveThresholdMs,
        onError: (err) => this.#logger.error('durable delivery failed', { error: errorMessage(err) }),
      });
    }
    this.#state = 'connected';
    void this.#watchStatus(nc);
    for (const record of this.#subscriptions) this.#start(record, nc);
    this.#logger.info('connected to NATS', { server: nc.getServer(), name: o.name });
    this.#buffer.replay();
  }

  async #watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.#disconnects += 1;
          if (this.#state === 'connected') this.#state = 'disconnected';
          this.#logger.warn('disconnected from NATS; holding publishes', { server: status.server });
          break;
        case 'reconnect':
          this.#reconnects += 1;
          if (this.#state === 'disconnected') this.#state = 'connected';
          this.#logger.info('reconnected to NATS; replaying held publishes', {
            server: status.server,
            held: this.#buffer.stats().held,
          });
          this.#buffer.replay();
          break;
        case 'error':
          this.#logger.error('NATS error', { error: status.error.message });
          break;
        case 'slowConsumer':
          this.#logger.warn('NATS slow consumer', {
            subject: status.sub.getSubject(),
            pending: status.pending,
          });
          break;
        default:
          break;
      }
    }
    if (this.#state !== 'closed') {
      this.#state = 'closed';
      this.#buffer.rejectAll('the NATS connection closed');
      this.#logger.error('NATS connection closed', {});
    }
  }

  /** The request inbox prefix of `nc`, subscribing `<prefix>.*` (replies routed by token) the first time. */
  #requestInbox(nc: NatsConnection): string {
    if (this.#requestInboxPrefix !== undefined) return this.#requestInboxPrefix;
    const prefix = createInbox(this.#options.inboxPrefix);
    nc.subscribe(`${prefix}.*`, {
      callback: (err, msg) => {
        if (err !== null) {
          this.#logger.error('NATS request inbox failed', { error: err.message });
          return;
        }
        this.#pendingRequests.get(msg.subject.slice(prefix.length + 1))?.reply(msg);
      },
    });
    this.#requestInboxPrefix = prefix;
    return prefix;
  }

  #sendCore(subject: string, data: Uint8Array): Promise<void> {
    const nc = this.#nc;
    if (nc === undefined) return Promise.reject(new BusUnavailableError('NATS is not connected'));
    nc.publish(subject, data);
    return this.#options.confirmPublish ? this.#confirm(nc) : Promise.resolve();
  }

  /** One PING/PONG confirms every publish written before it; publishes of one tick share it. */
  #confirm(nc: NatsConnection): Promise<void> {
    this.#confirmation ??= Promise.resolve()
      .then(() => {
        this.#confirmation = undefined;
        return nc.flush();
      })
      .catch((err: unknown) => {
        throw new BusUnavailableError('the connection dropped before the server confirmed the publish', {
          cause: err,
        });
      });
    return this.#confirmation;
  }

  #coreSubscription(pattern: string, handler: TransportHandler, group?: string): SubscriptionRecord {
    let stopped = false;
    let stopSub: (() => void) | undefined;
    const delivery: DeliveryInfo = { attempt: 1, durable: false };
    const slots = new HandlerSlots(this.#options.handlerConcurrency);
    return {
      start: (nc) => {
        if (stopped) return Promise.resolve();
        const sub = nc.subscribe(this.#subject(pattern), group === undefined ? {} : { queue: group });
        stopSub = () => sub.unsubscribe();
        void (async () => {
          for await (const msg of sub) {
            await slots.acquire();
            if (stopped) {
              slots.release();
              break;
            }
            const envelope = this.#decode(msg);
            if (envelope instanceof Error) slots.release();
            else void this.#invoke(handler, envelope, delivery, pattern).finally(() => slots.release());
          }
        })().catch((err: unknown) => {
          this.#logger.error('NATS subscription failed', { pattern, error: errorMessage(err) });
        });
        return Promise.resolve();
      },
      stop: () => {
        stopped = true;
        stopSub?.();
      },
    };
  }

  /**
   * A durable subscription: a group shares the consumer `group-<group>-<topic>`; a broadcast
   * subscription takes the lowest free ordinal `n` of its topic on this node and the consumer
   * `node-<name>-<topic>-<n>`, so the same node subscribing again after a restart resumes it.
   */
  #durableSubscription(topic: string, handler: TransportHandler, group?: string): SubscriptionRecord {
    let stopConsumer: (() => void) | undefined;
    let stopped = false;
    let ordinal: number | undefined;
    if (group === undefined) {
      const taken = this.#broadcastOrdinals.get(topic) ?? new Set<number>();
      this.#broadcastOrdinals.set(topic, taken);
      ordinal = 1;
      while (taken.has(ordinal)) ordinal += 1;
      taken.add(ordinal);
    }
    const consumer = (
      group === undefined ? `node-${this.#options.name}-${topic}-${ordinal}` : `group-${group}-${topic}`
    ).replace(/[^A-Za-z0-9_-]/g, '_');
    const slots = new HandlerSlots(this.#options.handlerConcurrency);
    const deliver = (msg: JsMsg): Promise<void> => {
      const running = this.#deliverDurable(msg, topic, consumer, handler);
      const done = (): boolean => this.#delivering.delete(running);
      this.#delivering.add(running);
      running.then(done, done);
      return running;
    };
    return {
      start: async () => {
        if (stopped) return;
        const consumption = await this.#requireJetStream().consume(
          this.#subject(topic),
          consumer,
          slots,
          deliver,
        );
        if (stopped) consumption.stop();
        else stopConsumer = () => consumption.stop();
      },
      stop: () => {
        if (stopped) return;
        stopped = true;
        if (ordinal !== undefined) this.#broadcastOrdinals.get(topic)?.delete(ordinal);
        stopConsumer?.();
      },
    };
  }

  /**
   * Runs the handler on one durable delivery and settles it: ack on success, nak while deliveries
   * remain, dead letter after the last one (or at once for a malformed message, or when a message
   * comes back past `maxDeliver` because its handler never settled it).
   */
  async #deliverDurable(
    msg: JsMsg,
    topic: string,
    consumer: string,
    handler: TransportHandler,
  ): Promise<void> {
    const { maxDeliver, ackWaitMs } = this.#options;
    const attempt = msg.info.deliveryCount;
    const envelope = this.#decode(msg);
    if (envelope instanceof Error) return this.#deadLetter(msg, topic, consumer, envelope);
    if (maxDeliver !== -1 && attempt > maxDeliver) {
      const lost = new BusTimeoutError(topic, ackWaitMs, { cause: 'delivery not settled within ackWaitMs' });
      return this.#deadLetter(msg, topic, consumer, lost);
    }
    const failure = await this.#invoke(handler, envelope, { attempt, durable: true }, topic);
    if (failure === undefined) this.#settle(msg, 'ack', topic);
    else if (maxDeliver !== -1 && attempt >= maxDeliver)
      await this.#deadLetter(msg, topic, consumer, failure.error);
    else this.#settle(msg, 'nak', topic);
  }

  /**
   * Stores `msg` on `<namespace>.deadletter.<topic>` with its headers and the last error, ends
   * its delivery (term) and publishes `bus.deadletter`. When the dead letter cannot be stored the
   * message is nak'ed instead, so it comes back and is dead-lettered again: never dropped.
   */
  async #deadLetter(msg: JsMsg, topic: string, consumer: string, error: unknown): Promise<void> {
    const subject = this.#deadLetterSubject(topic);
    const serialized = serializeError(error);
    const h = natsHeaders();
    // JsMsg's declarations reach MsgHdrs through a subpath node10 resolution cannot follow.
    const original = msg.headers as MsgHdrs | undefined;
    for (const key of original?.keys() ?? []) {
      if (key === 'Nats-Msg-Id') h.set(DEAD_LETTER_HEADERS.msgId, original!.get(key));
      else for (const value of original!.values(key)) h.append(key, value);
    }
    h.set(DEAD_LETTER_HEADERS.error, `${serialized.code}: ${serialized.message}`.replace(/[\r\n]+/g, ' '));
    h.set(DEAD_LETTER_HEADERS.topic, topic);
    h.set(DEAD_LETTER_HEADERS.consumer, consumer);
    h.set(DEAD_LETTER_HEADERS.deliveries, String(msg.info.deliveryCount));
    h.set(DEAD_LETTER_HEADERS.streamSeq, String(msg.seq));
    try {
      await this.#requireJetStream().deadLetter(subject, msg.data, h, `${consumer}:${msg.seq}`);
    } catch (err) {
      this.#logger.error('dead letter could not be stored; redelivering', {
        topic,
        seq: msg.seq,
        error: errorMessage(err),
      });
      this.#settle(msg, 'nak', topic);
      return;
    }
    this.#settle(msg, 'term', topic);
    this.#deadLettered += 1;
    this.#logger.warn('durable message dead-lettered', {
      topic,
      consumer,
      seq: msg.seq,
      subject,
      error: serialized.message,
    });
    const payload: TopicPayload<'bus.deadletter'> = {
      topic,
      subject,
      consumer,
      deliveries: msg.info.deliveryCount,
      streamSeq: msg.seq,
      error: serialized,
      ...(h.get(DEAD_LETTER_HEADERS.msgId) ? { id: h.get(DEAD_LETTER_HEADERS.msgId) } : {}),
    };
    await this.publish({
      id: randomUUID(),
      topic: 'bus.deadletter',
      source: this.#options.name,
      timestamp: Date.now(),
      payload,
    }).catch((err: unknown) => {
      this.#logger.error('bus.deadletter could not be published', { topic, error: errorMessage(err) });
    });
  }

  #start(record: SubscriptionRecord, nc: NatsConnection): void {
    const started = record.start(nc).catch((err: unknown) => {
      this.#logger.error('subscription could not start', { error: (err as Error).message });
    });
    this.#starting.add(started);
    void started.finally(() => this.#starting.delete(started));
  }

  /**
   * Acks, naks or terms a durable delivery. Once the connection drains or closes that publish
   * throws; it is logged, and the server redelivers the message after `ackWaitMs`.
   */
  #settle(msg: JsMsg, verdict: Verdict, topic: string): void {
    try {
      if (verdict === 'ack') msg.ack();
      else if (verdict === 'nak') msg.nak(this.#options.nakDelayMs);
      else msg.term('dead-lettered');
    } catch (err) {
      this.#logger.warn('durable delivery could not be settled; the server will redeliver it', {
        topic,
        verdict,
        seq: msg.seq,
        error: errorMessage(err),
      });
    }
  }

  /** Whether `work` settled within `ms` (false: the time ran out first); its rejection propagates. */
  async #within(work: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([work.then(() => true as const), cut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs the handler; undefined when it resolved, else what it threw (logged, never propagated). */
  async #invoke(
    handler: TransportHandler,
    envelope: Envelope,
    delivery: DeliveryInfo,
    pattern: string,
  ): Promise<{ error: unknown } | undefined> {
    try {
      await handler(envelope, delivery);
      return undefined;
    } catch (error) {
      this.#logger.warn('handler failed', {
        pattern,
        topic: envelope.topic,
        id: envelope.id,
        attempt: delivery.attempt,
        error: errorMessage(error),
      });
      return { error };
    }
  }

  /** The envelope in `msg` with `replyTo` set to its reply subject, or the error (logged) when malformed. */
  #decode(msg: Msg | JsMsg): Envelope | Error {
    try {
      const envelope = this.#codec.decode(msg.subject, msg.data);
      const reply = 'reply' in msg ? msg.reply : undefined;
      if (typeof reply === 'string' && reply.startsWith(`${this.#options.inboxPrefix}.`))
        envelope.replyTo = reply;
      return envelope;
    } catch (err) {
      this.#dropped += 1;
      this.#logger.warn('dropped a malformed message', {
        subject: msg.subject,
        bytes: msg.data.byteLength,
        error: (err as Error).message,
      });
      return err as Error;
    }
  }

  #subject(topic: string): string {
    return topic.startsWith(`${this.#options.inboxPrefix}.`) ? topic : `${this.#options.namespace}.${topic}`;
  }

  #deadLetterSubject(topic: string): string {
    return `${this.#options.namespace}.deadletter.${topic}`;
  }

  #requireJetStream(): JetStreamChannel {
    if (this.#jetstream === undefined) throw new BusUnavailableError('NATS is not connected');
    return this.#jetstream;
  }

  /** Re-reads the state, which `close()` may have changed while `connect` was awaited. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #rejected(err: SlipstreamError): SlipstreamError {
    this.#publishRejected += 1;
    return err;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
