import type { SerializedError } from './errors/SlipstreamError';
import type { CommandName, CommandReply, CommandRequest, TopicName, TopicPayload } from './topics';

/**
 * What travels on the bus: plain, JSON-serialisable data, the same on every transport.
 */
export interface Envelope<P = unknown> {
  /** Unique id of this message. */
  id: string;
  /** Dotted topic, e.g. `network.breaker.opened`. */
  topic: string;
  /** Id of the bus (node/agent) that sent it. */
  source: string;
  /** For a reply: the id of the request it answers. */
  correlationId?: string;
  /** For a request: where the reply must be sent. */
  replyTo?: string;
  /** Milliseconds since the epoch when it was sent. */
  timestamp: number;
  /** The sender's trace context (W3C), when it sent from inside a trace; handlers run inside it. */
  traceContext?: TraceContext;
  payload: P;
}

/** A W3C trace context as it travels in an envelope: the `traceparent` and `tracestate` header values. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** How a message reached a handler. */
export interface DeliveryInfo {
  /** 1 on first delivery; higher when a durable message is redelivered. */
  attempt: number;
  /** Whether it came through a durable (at-least-once) stream. */
  durable: boolean;
}

/** Removes a subscription. Calling it twice is harmless. */
export type Disposer = () => void;

/** A subscriber. A throw or rejection is caught, logged and published as `bus.handler.error`. */
export type Handler<P = unknown> = (
  payload: P,
  envelope: Envelope<P>,
  delivery: DeliveryInfo,
) => void | Promise<void>;

/** Answers a bus request. A throw becomes an error reply; the requester gets a `RemoteError`. */
export type Responder<Req = unknown, Res = unknown> = (
  payload: Req,
  envelope: Envelope<Req>,
) => Res | Promise<Res>;

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /**
   * Balanced delivery: of all subscribers sharing a group name, one gets each message.
   * Without a group every subscriber gets every message (broadcast).
   */
  group?: string;
}

/** Options of `request`. */
export interface RequestOptions {
  /** How long to wait for the reply. Defaults to the bus's `requestTimeoutMs` (5_000 ms). */
  timeoutMs?: number;
  /** Aborts the wait; the request rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The reply as it travels: a value or a serialised error. */
export type ReplyPayload<T = unknown> = { ok: true; value: T } | { ok: false; error: SerializedError };

/**
 * Topic patterns: dotted tokens; `*` matches exactly one token and `>` (last only) one or
 * more tokens, as in NATS. `network.*` matches `network.optimize`, `network.>` also matches
 * `network.breaker.opened`.
 */
export interface EventBus {
  /** Id of this bus instance; the `source` of what it sends. */
  readonly source: string;
  /** Sends an event to every subscriber (or one per group). Resolves once the transport took it. */
  publish<T extends TopicName>(topic: T, payload: TopicPayload<T>): Promise<void>;
  /** Subscribes to a topic or a wildcard pattern. */
  subscribe<T extends TopicName>(
    topic: T,
    handler: Handler<TopicPayload<T>>,
    options?: SubscribeOptions,
  ): Disposer;
  subscribe(pattern: string, handler: Handler, options?: SubscribeOptions): Disposer;
  /**
   * Sends a command and waits for its reply. Rejects with `NoResponderError` when nobody
   * responds to the topic, `BusTimeoutError` after the timeout, `RemoteError` when the
   * responder failed. Durable topics (NATS JetStream) are fire-and-forget: a request on one is
   * refused at once.
   */
  request<C extends CommandName>(
    topic: C,
    payload: CommandRequest<C>,
    options?: RequestOptions,
  ): Promise<CommandReply<C>>;
  /**
   * Answers requests on a topic. Responders on one topic form a group (one answers each
   * request) unless `options.group` names another.
   */
  respond<C extends CommandName>(
    topic: C,
    responder: Responder<CommandRequest<C>, CommandReply<C>>,
    options?: SubscribeOptions,
  ): Disposer;
  /** Waits until everything published so far has reached the transport's server (no-op in-process). */
  flush(): Promise<void>;
  /** Stops delivery and closes the transport. Pending requests reject with `BusUnavailableError`. */
  close(): Promise<void>;
}

/** What a transport hands the bus for each message. */
export type TransportHandler = (envelope: Envelope, delivery: DeliveryInfo) => void | Promise<void>;

/**
 * The carrier under the bus: in-process (eventemitter3) or NATS. It moves envelopes;
 * the bus adds typing, error isolation and request/reply semantics.
 */
export interface Transport {
  /** `in-process`, `nats`, ... */
  readonly name: string;
  /** Connects (no-op in-process). */
  connect(): Promise<void>;
  /** Delivers an envelope to every matching subscription (one per group). */
  publish(envelope: Envelope): Promise<void>;
  /**
   * Subscribes to a pattern. A durable delivery is acknowledged when the handler's promise
   * resolves and redelivered when it rejects.
   */
  subscribe(pattern: string, handler: TransportHandler, options?: SubscribeOptions): Disposer;
  /**
   * Sends a request envelope and resolves with the reply envelope. Must reject with
   * `NoResponderError` when no subscription matches and `BusTimeoutError` after `timeoutMs`.
   * The responder sends its reply to `envelope.replyTo`, which the transport sets.
   */
  request(envelope: Envelope, timeoutMs: number, signal?: AbortSignal): Promise<Envelope>;
  /** Resolves when everything sent so far has reached the server (no-op in-process). */
  flush(): Promise<void>;
  /** Closes the transport; later publishes reject with `BusUnavailableError`. */
  close(): Promise<void>;
}
