import type { JsMsg } from '@nats-io/jetstream';
import {
  RequestError,
  TimeoutError,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/nats-core';
import {
  BusTimeoutError,
  BusUnavailableError,
  NoResponderError,
  SlipstreamError,
  TOKENS,
  type DeliveryInfo,
  type Disposer,
  type Envelope,
  type Logger,
  type SubscribeOptions,
  type Transport,
  type TransportHandler,
} from '@slipstream/contracts';
import { inject, injectable } from 'inversify';

import { connectNats } from './connectNats';
import { EnvelopeCodec } from './EnvelopeCodec';
import { DurableTopicRequestError } from './errors/DurableTopicRequestError';
import { JetStreamChannel } from './JetStreamChannel';
import { NATS_TRANSPORT_OPTIONS } from './natsTransportOptionsToken';
import {
  resolveNatsTransportOptions,
  type NatsTransportOptions,
  type ResolvedNatsTransportOptions,
} from './NatsTransportOptions';
import { PublishBuffer, type PublishBufferStats } from './PublishBuffer';

/** How a durable delivery ends: acknowledged, redelivered later, or given up on. */
type Verdict = 'ack' | 'nak' | 'term';

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
  /** Disconnects seen. */
  disconnects: number;
  /** Reconnects seen. */
  reconnects: number;
  /** The reconnect buffer's own counters. */
  buffer: PublishBufferStats;
}

/**
 * The bus transport over NATS: broadcast publish, queue groups for balanced delivery,
 * request/reply with typed timeout and no-responder errors, NATS wildcards, and JetStream
 * (explicit ack, at-least-once) for the topics configured as durable. Publishes made while
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

  /** Connects to the servers and starts every subscription made so far. Idempotent. */
  connect(): Promise<void> {
    if (this.#state === 'closed')
      return Promise.reject(new BusUnavailableError('the NATS transport is closed'));
    this.#connecting ??= this.#connect().catch((err: unknown) => {
      this.#connecting = undefined;
      if (this.#state !== 'closed') this.#state = 'idle';
      const message = `cannot connect to NATS at ${this.#options.servers.join(', ')}`;
      this.#buffer.rejectAll(message);
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
   * Sends a request; the responder's reply comes back on the NATS reply subject set as `replyTo`.
   * Rejects at once with `DurableTopicRequestError` on a durable topic.
   */
  async request(envelope: Envelope, timeoutMs: number, signal?: AbortSignal): Promise<Envelope> {
    signal?.throwIfAborted();
    if (this.#durable.has(envelope.topic)) throw new DurableTopicRequestError(envelope.topic);
    const nc = this.#nc;
    if (nc === undefined || this.#state !== 'connected') {
      throw new BusUnavailableError(`NATS is not connected; request on "${envelope.topic}" not sent`);
    }
    const subject = this.#subject(envelope.topic);
    const reply = nc.request(subject, this.#codec.encode(envelope), { timeout: timeoutMs }).then(
      (msg) => this.#codec.decode(msg.subject, msg.data),
      (err: unknown) => {
        throw this.#requestError(envelope.topic, timeoutMs, err);
      },
    );
    if (signal === undefined) return reply;
    return new Promise<Envelope>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      reply.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
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
      disconnects: this.#disconnects,
      reconnects: this.#reconnects,
      buffer: this.#buffer.stats(),
    };
  }

  async #connect(): Promise<void> {
    const o = this.#options;
    this.#state = 'connecting';
    const nc = await connectNats({
      servers: o.servers,
      name: o.name,
      inboxPrefix: o.inboxPrefix,
      timeout: o.connectTimeoutMs,
      reconnectTimeWait: o.reconnectTimeWaitMs,
      maxReconnectAttempts: o.maxReconnectAttempts,
      waitOnFirstConnect: false,
    });
    if (this.#isClosed()) {
      await nc.close();
      return;
    }
    this.#nc = nc;
    if (this.#durable.size > 0) {
      this.#jetstream = new JetStreamChannel(nc, {
        streamName: o.streamName,
        subjects: [...this.#durable].map((t) => this.#subject(t)),
        storage: o.streamStorage,
        maxAgeMs: o.streamMaxAgeMs,
        ackWaitMs: o.ackWaitMs,
        maxDeliver: o.maxDeliver,
        concurrency: o.durableConcurrency,
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
    let sub: Subscription | undefined;
    let stopped = false;
    const delivery: DeliveryInfo = { attempt: 1, durable: false };
    return {
      start: (nc) => {
        if (stopped) return Promise.resolve();
        sub = nc.subscribe(this.#subject(pattern), {
          ...(group === undefined ? {} : { queue: group }),
          callback: (err, msg) => {
            if (err !== null) {
              this.#logger.error('NATS subscription failed', { pattern, error: err.message });
              return;
            }
            const envelope = this.#decode(msg);
            if (envelope !== undefined) void this.#invoke(handler, envelope, delivery, pattern);
          },
        });
        return Promise.resolve();
      },
      stop: () => {
        stopped = true;
        sub?.unsubscribe();
      },
    };
  }

  #durableSubscription(topic: string, handler: TransportHandler, group?: string): SubscriptionRecord {
    let stopConsumer: (() => void) | undefined;
    let stopped = false;
    const durableName = `${group ?? 'default'}-${topic}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const handle = async (msg: JsMsg): Promise<void> => {
      const envelope = this.#decode(msg);
      if (envelope === undefined) {
        this.#settle(msg, 'term', topic);
        return;
      }
      const ok = await this.#invoke(
        handler,
        envelope,
        { attempt: msg.info.deliveryCount, durable: true },
        topic,
      );
      this.#settle(msg, ok ? 'ack' : 'nak', topic);
    };
    const deliver = (msg: JsMsg): Promise<void> => {
      const running = handle(msg);
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
          durableName,
          deliver,
        );
        if (stopped) consumption.stop();
        else stopConsumer = () => consumption.stop();
      },
      stop: () => {
        stopped = true;
        stopConsumer?.();
      },
    };
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
      else msg.term('malformed envelope');
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

  /** Runs the handler; true when it resolved. A throw is logged, never propagated. */
  async #invoke(
    handler: TransportHandler,
    envelope: Envelope,
    delivery: DeliveryInfo,
    pattern: string,
  ): Promise<boolean> {
    try {
      await handler(envelope, delivery);
      return true;
    } catch (err) {
      this.#logger.warn('handler failed', {
        pattern,
        topic: envelope.topic,
        id: envelope.id,
        attempt: delivery.attempt,
        error: errorMessage(err),
      });
      return false;
    }
  }

  /** The envelope in `msg` with `replyTo` set to its reply subject, or undefined (logged) when malformed. */
  #decode(msg: Msg | JsMsg): Envelope | undefined {
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
      return undefined;
    }
  }

  #subject(topic: string): string {
    return topic.startsWith(`${this.#options.inboxPrefix}.`) ? topic : `${this.#options.namespace}.${topic}`;
  }

  #requireJetStream(): JetStreamChannel {
    if (this.#jetstream === undefined) throw new BusUnavailableError('NATS is not connected');
    return this.#jetstream;
  }

  #requestError(topic: string, timeoutMs: number, err: unknown): SlipstreamError {
    if (err instanceof RequestError && err.isNoResponders())
      return new NoResponderError(topic, { cause: err });
    if (err instanceof TimeoutError || (err instanceof Error && err.cause instanceof TimeoutError)) {
      return new BusTimeoutError(topic, timeoutMs, { cause: err });
    }
    return new BusUnavailableError(`request on "${topic}" failed`, { cause: err });
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
