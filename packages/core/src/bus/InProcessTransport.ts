import { EventEmitter } from 'eventemitter3';
import { randomBytes } from 'node:crypto';
import {
  BusTimeoutError,
  BusUnavailableError,
  ConfigError,
  NoResponderError,
  type DeliveryInfo,
  type Disposer,
  type Envelope,
  type SubscribeOptions,
  type Transport,
  type TransportHandler,
} from '@slipstream/contracts';
import { asError } from '../errors/asError';
import { TopicPattern } from './TopicPattern';

/** Options of the in-process transport. */
export interface InProcessTransportOptions {
  /** How many topics keep a cached route before the cache is cleared. Defaults to 10_000 topics. */
  routeCacheSize?: number;
  /** Called when a handler throws or rejects (the bus wraps its handlers, so this is a last resort). Defaults to a process warning. */
  onHandlerError?: (err: unknown, envelope: Envelope) => void;
}

const DEFAULTS = Object.freeze({
  routeCacheSize: 10_000,
  onHandlerError: (err: unknown, envelope: Envelope): void => {
    process.emitWarning(`in-process bus handler on "${envelope.topic}" failed: ${String(err)}`);
  },
});

/** Every in-process message is a first, non-durable delivery. */
const FIRST_DELIVERY: DeliveryInfo = Object.freeze({ attempt: 1, durable: false });
const RESOLVED = Promise.resolve();
const INBOX = '_INBOX.';

interface Subscription {
  readonly pattern: TopicPattern;
  readonly group: string | undefined;
  active: boolean;
  readonly deliver: (envelope: Envelope, delivery: DeliveryInfo) => void;
}

interface PendingRequest {
  readonly resolve: (reply: Envelope) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * The default transport: delivers envelopes synchronously inside `publish`, in publish order,
 * on eventemitter3. Each concrete topic gets a cached route (its matching broadcast
 * subscriptions plus one round-robin dispatcher per group) registered as emitter listeners,
 * so a publish is one map lookup and one `emit`. Subscribing or unsubscribing clears the
 * routes; they are rebuilt on the next publish to each topic.
 */
export class InProcessTransport implements Transport {
  readonly name = 'in-process';
  private readonly emitter = new EventEmitter();
  /** Receivers per topic (broadcast subscriptions + groups); the listeners sit in `emitter`. */
  private readonly routes = new Map<string, number>();
  private readonly subscriptions = new Set<Subscription>();
  /**
   * Round-robin cursor per (topic, group), as NATS balances a queue group per subject: a cursor
   * shared across topics would send alternating topics to the same members. Survives route
   * rebuilds after (un)subscribing; cleared with the routes when the cache is full.
   */
  private readonly groupCursors = new Map<string, { next: number }>();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly inboxPrefix = `${INBOX}${randomBytes(6).toString('hex')}.`;
  private inboxSeq = 0;
  private closed = false;
  private readonly routeCacheSize: number;
  private readonly onHandlerError: (err: unknown, envelope: Envelope) => void;

  constructor(options: InProcessTransportOptions = {}) {
    this.routeCacheSize = options.routeCacheSize ?? DEFAULTS.routeCacheSize;
    this.onHandlerError = options.onHandlerError ?? DEFAULTS.onHandlerError;
    if (!Number.isInteger(this.routeCacheSize) || this.routeCacheSize < 1) {
      throw new ConfigError([
        { path: 'routeCacheSize', expected: 'a positive integer', received: String(options.routeCacheSize) },
      ]);
    }
  }

  /** No-op: there is nothing to connect to. */
  connect(): Promise<void> {
    return RESOLVED;
  }

  /** Delivers `envelope` synchronously to every matching subscription (one per group). */
  publish(envelope: Envelope): Promise<void> {
    if (this.closed) return Promise.reject(new BusUnavailableError('the in-process transport is closed'));
    const topic = envelope.topic;
    if (topic.startsWith(INBOX)) {
      this.settleReply(topic, envelope);
      return RESOLVED;
    }
    let receivers = this.routes.get(topic);
    if (receivers === undefined) {
      try {
        receivers = this.buildRoute(topic);
      } catch (err) {
        return Promise.reject(asError(err));
      }
    }
    if (receivers > 0) this.emitter.emit(topic, envelope, FIRST_DELIVERY);
    return RESOLVED;
  }

  /** Subscribes to a topic or pattern; with `group`, one member of the group gets each message. */
  subscribe(pattern: string, handler: TransportHandler, options: SubscribeOptions = {}): Disposer {
    if (this.closed) throw new BusUnavailableError('the in-process transport is closed');
    const onHandlerError = this.onHandlerError;
    const sub: Subscription = {
      pattern: new TopicPattern(pattern),
      group: options.group,
      active: true,
      deliver(envelope, delivery) {
        if (!sub.active) return;
        try {
          const result = handler(envelope, delivery);
          if (result !== undefined) result.catch((err: unknown) => onHandlerError(err, envelope));
        } catch (err) {
          onHandlerError(err, envelope);
        }
      },
    };
    this.subscriptions.add(sub);
    this.invalidateRoutes();
    return () => {
      if (!sub.active) return;
      sub.active = false;
      this.subscriptions.delete(sub);
      this.invalidateRoutes();
    };
  }

  /**
   * Delivers a request and resolves with the reply sent to its `replyTo`. Rejects at once with
   * `NoResponderError` when no subscription matches. As in NATS, any matching subscription (a
   * plain or wildcard subscriber too, not only a responder's group) counts: then a request nobody
   * answers ends in `BusTimeoutError`.
   */
  request(envelope: Envelope, timeoutMs: number, signal?: AbortSignal): Promise<Envelope> {
    if (this.closed) return Promise.reject(new BusUnavailableError('the in-process transport is closed'));
    if (signal?.aborted) return Promise.reject(asError(signal.reason));
    const topic = envelope.topic;
    let receivers: number;
    try {
      receivers = this.routes.get(topic) ?? this.buildRoute(topic);
    } catch (err) {
      return Promise.reject(asError(err));
    }
    if (receivers === 0) return Promise.reject(new NoResponderError(topic));
    const replyTo = this.inboxPrefix + (++this.inboxSeq).toString(36);
    envelope.replyTo = replyTo;
    return new Promise<Envelope>((resolve, reject) => {
      const onAbort = (): void => {
        this.dropPending(replyTo);
        reject(asError(signal?.reason));
      };
      const timer = setTimeout(() => {
        this.dropPending(replyTo);
        reject(new BusTimeoutError(topic, timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(replyTo, { resolve, reject, timer, signal, onAbort });
      this.emitter.emit(topic, envelope, FIRST_DELIVERY);
    });
  }

  /** No-op: delivery is synchronous. */
  flush(): Promise<void> {
    return RESOLVED;
  }

  /** Rejects pending requests with `BusUnavailableError`, drops every subscription; later publishes reject. */
  close(): Promise<void> {
    if (this.closed) return RESOLVED;
    this.closed = true;
    for (const replyTo of [...this.pending.keys()]) {
      this.dropPending(replyTo)?.reject(new BusUnavailableError('the in-process transport was closed'));
    }
    for (const sub of this.subscriptions) sub.active = false;
    this.subscriptions.clear();
    this.invalidateRoutes();
    return RESOLVED;
  }

  private settleReply(replyTo: string, reply: Envelope): void {
    // A reply that arrives after its timeout or abort finds nothing pending and is dropped.
    this.dropPending(replyTo)?.resolve(reply);
  }

  private dropPending(replyTo: string): PendingRequest | undefined {
    const pending = this.pending.get(replyTo);
    if (pending === undefined) return undefined;
    this.pending.delete(replyTo);
    clearTimeout(pending.timer);
    pending.signal?.removeEventListener('abort', pending.onAbort);
    return pending;
  }

  private invalidateRoutes(): void {
    this.emitter.removeAllListeners();
    this.routes.clear();
  }

  /** Registers the listeners of `topic` on the emitter and returns how many receivers it has. */
  private buildRoute(topic: string): number {
    TopicPattern.assertConcrete(topic);
    if (this.routes.size >= this.routeCacheSize) {
      this.invalidateRoutes();
      this.groupCursors.clear();
    }
    const groups = new Map<string, Subscription[]>();
    let receivers = 0;
    for (const sub of this.subscriptions) {
      if (!sub.pattern.matches(topic)) continue;
      if (sub.group === undefined) {
        this.emitter.on(topic, sub.deliver);
        receivers++;
      } else {
        const members = groups.get(sub.group);
        if (members === undefined) groups.set(sub.group, [sub]);
        else members.push(sub);
      }
    }
    for (const [group, members] of groups) {
      this.emitter.on(topic, this.groupDispatcher(`${topic} ${group}`, members));
      receivers++;
    }
    this.routes.set(topic, receivers);
    return receivers;
  }

  private groupDispatcher(key: string, members: readonly Subscription[]): Subscription['deliver'] {
    let cursor = this.groupCursors.get(key);
    if (cursor === undefined) {
      cursor = { next: 0 };
      this.groupCursors.set(key, cursor);
    }
    const state = cursor;
    return (envelope, delivery) => {
      const member = members[state.next++ % members.length];
      member?.deliver(envelope, delivery);
    };
  }
}
