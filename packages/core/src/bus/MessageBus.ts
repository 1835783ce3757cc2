import { hostname } from 'node:os';
import {
  BusUnavailableError,
  ConfigError,
  PayloadNotSerializableError,
  RemoteError,
  TOKENS,
  type CommandName,
  type CommandReply,
  type CommandRequest,
  type Disposer,
  type Envelope,
  type EventBus,
  type Handler,
  type Logger,
  type ReplyPayload,
  type RequestOptions,
  type Responder,
  type SubscribeOptions,
  type TopicName,
  type TopicPayload,
  type Transport,
  type TransportHandler,
} from '@slipstream/contracts';
import { inject, injectable, optional } from 'inversify';
import { asError } from '../errors/asError';
import { serializeError } from '../errors/serializeError';
import { CORE_TOKENS } from '../CORE_TOKENS';
import { findNonSerializable } from './findNonSerializable';
import { injectTraceContext, withTraceContext } from './traceContext';

/** Options of the message bus. */
export interface MessageBusOptions {
  /** Id of this bus, the `source` of its envelopes. Defaults to `<hostname>-<pid>`. */
  source?: string;
  /** Timeout of `request()` when the call names none. Defaults to 5_000 ms. */
  requestTimeoutMs?: number;
  /** Refuse payloads that would not survive JSON. Defaults to true unless `NODE_ENV` is `production`. */
  checkSerializable?: boolean;
}

const DEFAULTS = Object.freeze({
  source: `${hostname()}-${process.pid}`,
  requestTimeoutMs: 5_000,
  checkSerializable: process.env.NODE_ENV !== 'production',
});

const HANDLER_ERROR_TOPIC = 'bus.handler.error';
const RESOLVED = Promise.resolve();

/**
 * The `EventBus` over any `Transport`: typed topics, handler isolation (a throw or rejection is
 * logged and published as `bus.handler.error`), request/reply with `ReplyPayload` envelopes,
 * and the JSON check of payloads in development.
 */
@injectable()
export class MessageBus implements EventBus {
  readonly source: string;
  private readonly requestTimeoutMs: number;
  private readonly checkSerializable: boolean;
  private readonly idPrefix: string;
  private seq = 0;
  private subscriptionSeq = 0;
  private closed = false;
  private readonly disposers = new Set<Disposer>();
  private readonly pendingRejects = new Set<(err: Error) => void>();

  constructor(
    @inject(TOKENS.Transport) private readonly transport: Transport,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(CORE_TOKENS.MessageBusOptions) @optional() options: MessageBusOptions = {},
  ) {
    this.source = options.source ?? DEFAULTS.source;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.checkSerializable = options.checkSerializable ?? DEFAULTS.checkSerializable;
    if (typeof this.source !== 'string' || this.source === '') {
      throw new ConfigError([
        { path: 'source', expected: 'a non-empty string', received: JSON.stringify(options.source) },
      ]);
    }
    if (!Number.isFinite(this.requestTimeoutMs) || this.requestTimeoutMs <= 0) {
      throw new ConfigError([
        {
          path: 'requestTimeoutMs',
          expected: 'a positive number of ms',
          received: String(options.requestTimeoutMs),
        },
      ]);
    }
    this.idPrefix = `${this.source}.${Date.now().toString(36)}.`;
  }

  /** Sends an event to every subscriber (or one per group). */
  publish<T extends TopicName>(topic: T, payload: TopicPayload<T>): Promise<void>;
  publish(topic: string, payload: unknown): Promise<void>;
  publish(topic: string, payload: unknown): Promise<void> {
    if (this.closed) return Promise.reject(new BusUnavailableError('the bus is closed'));
    if (this.checkSerializable) {
      const reason = findNonSerializable(payload);
      if (reason !== undefined) return Promise.reject(new PayloadNotSerializableError(topic, reason));
    }
    return this.transport.publish(this.envelope(topic, payload));
  }

  /** Subscribes to a topic or pattern; the handler's throws and rejections are isolated and reported. */
  subscribe<T extends TopicName>(
    topic: T,
    handler: Handler<TopicPayload<T>>,
    options?: SubscribeOptions,
  ): Disposer;
  subscribe(pattern: string, handler: Handler, options?: SubscribeOptions): Disposer;
  subscribe(pattern: string, handler: Handler, options: SubscribeOptions = {}): Disposer {
    if (this.closed) throw new BusUnavailableError('the bus is closed');
    const subscription = `${this.source}#${++this.subscriptionSeq}:${pattern}${options.group === undefined ? '' : `@${options.group}`}`;
    const isolated: TransportHandler = (envelope, delivery) => {
      try {
        const result = withTraceContext(envelope, () => handler(envelope.payload, envelope, delivery));
        if (result !== undefined)
          return result.catch((err: unknown) =>
            this.handlerFailed(envelope, subscription, err, delivery.durable),
          );
      } catch (err) {
        return this.handlerFailed(envelope, subscription, err, delivery.durable);
      }
      return undefined;
    };
    return this.track(this.transport.subscribe(pattern, isolated, options));
  }

  /** Sends a command and resolves with its reply's value; rejects with the transport's typed errors or a `RemoteError`. */
  request<C extends CommandName>(
    topic: C,
    payload: CommandRequest<C>,
    options?: RequestOptions,
  ): Promise<CommandReply<C>>;
  request(topic: string, payload: unknown, options?: RequestOptions): Promise<unknown>;
  request(topic: string, payload: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new BusUnavailableError('the bus is closed'));
    if (this.checkSerializable) {
      const reason = findNonSerializable(payload);
      if (reason !== undefined) return Promise.reject(new PayloadNotSerializableError(topic, reason));
    }
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      this.pendingRejects.add(reject);
      this.transport.request(this.envelope(topic, payload), timeoutMs, options.signal).then(
        (reply) => {
          this.pendingRejects.delete(reject);
          const body = reply.payload as ReplyPayload;
          if (body.ok) resolve(body.value);
          else reject(new RemoteError(topic, body.error));
        },
        (err: unknown) => {
          this.pendingRejects.delete(reject);
          reject(asError(err));
        },
      );
    });
  }

  /** Answers requests on `topic`; responders form the group `options.group` (defaults to the topic). */
  respond<C extends CommandName>(
    topic: C,
    responder: Responder<CommandRequest<C>, CommandReply<C>>,
    options?: SubscribeOptions,
  ): Disposer;
  respond(topic: string, responder: Responder, options?: SubscribeOptions): Disposer;
  respond(topic: string, responder: Responder, options: SubscribeOptions = {}): Disposer {
    if (this.closed) throw new BusUnavailableError('the bus is closed');
    const answer: TransportHandler = (request) => {
      if (request.replyTo === undefined) {
        this.logger.warn('bus responder got a message that is not a request', { topic: request.topic });
        return undefined;
      }
      let value: unknown;
      try {
        value = withTraceContext(request, () => responder(request.payload, request));
      } catch (err) {
        return this.reply(request, { ok: false, error: serializeError(err) });
      }
      // A synchronous responder is answered without an extra turn of the event loop.
      if (!isThenable(value)) return this.reply(request, this.okReply(request, value));
      return Promise.resolve(value).then(
        (resolved) => this.reply(request, this.okReply(request, resolved)),
        (err: unknown) => this.reply(request, { ok: false, error: serializeError(err) }),
      );
    };
    return this.track(this.transport.subscribe(topic, answer, { group: options.group ?? topic }));
  }

  /** Waits until the transport has sent everything published so far. */
  flush(): Promise<void> {
    return this.transport.flush();
  }

  /** Rejects pending requests with `BusUnavailableError`, drops subscriptions and closes the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const unavailable = new BusUnavailableError('the bus was closed');
    for (const reject of this.pendingRejects) reject(unavailable);
    this.pendingRejects.clear();
    for (const dispose of this.disposers) dispose();
    this.disposers.clear();
    await this.transport.close();
  }

  private envelope(topic: string, payload: unknown, correlationId?: string): Envelope {
    const envelope: Envelope = {
      id: this.idPrefix + (++this.seq).toString(36),
      topic,
      source: this.source,
      timestamp: Date.now(),
      payload,
    };
    if (correlationId !== undefined) envelope.correlationId = correlationId;
    injectTraceContext(envelope);
    return envelope;
  }

  private okReply(request: Envelope, value: unknown): ReplyPayload {
    const reason = this.checkSerializable ? findNonSerializable(value) : undefined;
    if (reason === undefined) return { ok: true, value };
    return { ok: false, error: new PayloadNotSerializableError(request.topic, reason).toJSON() };
  }

  /**
   * Sends `reply` to the request's `replyTo`. A reply that cannot be sent (larger than the
   * transport's payload limit, say) is logged, and the requester is answered with that error
   * instead (a `RemoteError` carrying its code), so it does not wait for its timeout; when that
   * cannot be sent either, the requester's timeout remains.
   */
  private reply(request: Envelope, reply: ReplyPayload): Promise<void> {
    return this.transport
      .publish(this.envelope(request.replyTo!, reply, request.id))
      .catch((err: unknown) => {
        const error = serializeError(err);
        this.logger.error('bus reply could not be sent', { topic: request.topic, error });
        const failure: ReplyPayload = { ok: false, error };
        return this.transport
          .publish(this.envelope(request.replyTo!, failure, request.id))
          .catch(() => undefined);
      });
  }

  private track(dispose: Disposer): Disposer {
    const tracked: Disposer = () => {
      this.disposers.delete(tracked);
      dispose();
    };
    this.disposers.add(tracked);
    return tracked;
  }

  /** Logs and publishes a handler's failure; a durable delivery rethrows so the transport redelivers. */
  private handlerFailed(
    envelope: Envelope,
    subscription: string,
    err: unknown,
    durable: boolean,
  ): Promise<void> {
    const error = serializeError(err);
    this.logger.error('bus handler failed', { topic: envelope.topic, subscription, error });
    // A failing `bus.handler.error` handler is only logged: publishing it again would loop.
    if (envelope.topic !== HANDLER_ERROR_TOPIC && !this.closed) {
      this.publish(HANDLER_ERROR_TOPIC, { topic: envelope.topic, subscription, error }).catch(
        (publishErr: unknown) =>
          this.logger.error('bus.handler.error could not be published', {
            error: serializeError(publishErr),
          }),
      );
    }
    return durable ? Promise.reject(asError(err)) : RESOLVED;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
