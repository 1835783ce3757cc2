import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import {
  CORE_BUS_KEYS,
  natsSecuritySchema,
  parseConfig,
  type NatsAuthOptions,
  type NatsTlsOptions,
} from '@slipstream/core';

/** Options of `NatsTransport`. */
export interface NatsTransportOptions {
  /** NATS servers, `host:port`. Defaults to ['127.0.0.1:4222']. */
  servers?: string[];
  /**
   * This node's name: the client name shown by the server, and the name of each broadcast
   * subscription's durable consumer (`node-<name>-<topic>-<n>`), so a node restarted under the
   * same name resumes where it stopped. Give every node its own, stable across restarts: with
   * `durableTopics` it is required (a shared default would make two nodes compete for one
   * consumer, a per-process one would start a new consumer on each restart). Defaults to
   * 'slipstream' when there are no durable topics.
   */
  name?: string;
  /** Authentication: exactly one of `{ user, password }`, `{ token }`, `{ nkeySeedFile }`, `{ credsFile }`. Defaults to none. */
  auth?: NatsAuthOptions;
  /** TLS: `{ caFile?, certFile?, keyFile? }` (`{}` uses the system's CAs). Defaults to none (plain TCP). */
  tls?: NatsTlsOptions;
  /** Subject prefix keeping Slipstream's topics apart from other users of the server. Defaults to 'slipstream'. */
  namespace?: string;
  /** Prefix of reply inboxes; replies to it are published raw, not namespaced. Defaults to '_INBOX'. */
  inboxPrefix?: string;
  /** Largest encoded envelope sent or accepted, bytes. Defaults to 1_048_576 bytes. */
  maxPayloadBytes?: number;
  /** Resolve `publish` only once the server confirmed receipt (PING/PONG), so a disconnect rejects instead of losing. Defaults to true. */
  confirmPublish?: boolean;
  /** Handshake timeout of the first connect, ms. Defaults to 5_000 ms. */
  connectTimeoutMs?: number;
  /** Pause between reconnect attempts, ms. Defaults to 500 ms. */
  reconnectTimeWaitMs?: number;
  /** Reconnect attempts per server before giving up; -1 never gives up. Defaults to -1. */
  maxReconnectAttempts?: number;
  /** Publishes held while disconnected before further ones are rejected, messages. Defaults to 10_000. */
  bufferMaxMessages?: number;
  /** Bytes held while disconnected before further publishes are rejected, bytes. Defaults to 8_388_608 bytes. */
  bufferMaxBytes?: number;
  /** Topics carried by JetStream with explicit ack (at-least-once), e.g. ['sarah.task']. Defaults to []. */
  durableTopics?: string[];
  /** JetStream stream holding the durable topics. Defaults to 'SLIPSTREAM'. */
  streamName?: string;
  /** How long the stream keeps a message, ms. Defaults to 86_400_000 ms (one day). */
  streamMaxAgeMs?: number;
  /** Where the stream is stored. Defaults to 'file'. */
  streamStorage?: 'file' | 'memory';
  /** How long a durable delivery may stay unacknowledged before redelivery, ms. Defaults to 30_000 ms. */
  ackWaitMs?: number;
  /** Delay before a rejected durable delivery is redelivered, ms. Defaults to 1_000 ms. */
  nakDelayMs?: number;
  /**
   * Deliveries of one durable message; after the last one fails it goes to the dead-letter
   * subject `<namespace>.deadletter.<topic>` and a `bus.deadletter` event is published; -1 retries
   * forever. Defaults to 20.
   */
  maxDeliver?: number;
  /**
   * How long a durable consumer may go without a subscriber pulling from it before the server
   * removes it, so the consumers of nodes that are gone for good do not stay forever; a node back
   * within it resumes, one back later starts afresh (per `durableDeliverFrom`). Applied to the
   * consumers it finds as well as to those it creates. Defaults to 86_400_000 ms (one day).
   */
  consumerInactiveThresholdMs?: number;
  /** Where a durable consumer created now starts: 'new' messages only, or 'all' the stream still holds. Defaults to 'new'. */
  durableDeliverFrom?: 'new' | 'all';
  /** Handlers running at once per subscription (core and durable); further messages wait, messages. Defaults to 16. */
  handlerConcurrency?: number;
  /** How long `close()` waits for running durable handlers and the drain, and `flush()` for the server's confirmation, ms. Defaults to 5_000 ms. */
  drainTimeoutMs?: number;
}

/** `NatsTransportOptions` with every default applied. */
export type ResolvedNatsTransportOptions = Required<Omit<NatsTransportOptions, 'auth' | 'tls'>> &
  Pick<NatsTransportOptions, 'auth' | 'tls'>;

/** The default of every option, written once. */
export const NATS_TRANSPORT_DEFAULTS: Readonly<ResolvedNatsTransportOptions> = Object.freeze({
  servers: ['127.0.0.1:4222'],
  name: 'slipstream',
  namespace: 'slipstream',
  inboxPrefix: '_INBOX',
  maxPayloadBytes: 1_048_576,
  confirmPublish: true,
  connectTimeoutMs: 5_000,
  reconnectTimeWaitMs: 500,
  maxReconnectAttempts: -1,
  bufferMaxMessages: 10_000,
  bufferMaxBytes: 8_388_608,
  durableTopics: [],
  streamName: 'SLIPSTREAM',
  streamMaxAgeMs: 86_400_000,
  streamStorage: 'file',
  ackWaitMs: 30_000,
  nakDelayMs: 1_000,
  maxDeliver: 20,
  consumerInactiveThresholdMs: 86_400_000,
  durableDeliverFrom: 'new',
  handlerConcurrency: 16,
  drainTimeoutMs: 5_000,
});

const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Applies the defaults to `options` and validates them; throws a `ConfigError` naming every bad
 * field, and every unknown one (a misspelt option is refused, not ignored) except the keys core
 * reads from the same `bus` section (`CORE_BUS_KEYS`).
 */
export function resolveNatsTransportOptions(
  options: NatsTransportOptions = {},
  path = 'bus',
): ResolvedNatsTransportOptions {
  const d = NATS_TRANSPORT_DEFAULTS;
  const o: ResolvedNatsTransportOptions = {
    servers: options.servers ?? d.servers,
    name: options.name ?? d.name,
    namespace: options.namespace ?? d.namespace,
    inboxPrefix: options.inboxPrefix ?? d.inboxPrefix,
    maxPayloadBytes: options.maxPayloadBytes ?? d.maxPayloadBytes,
    confirmPublish: options.confirmPublish ?? d.confirmPublish,
    connectTimeoutMs: options.connectTimeoutMs ?? d.connectTimeoutMs,
    reconnectTimeWaitMs: options.reconnectTimeWaitMs ?? d.reconnectTimeWaitMs,
    maxReconnectAttempts: options.maxReconnectAttempts ?? d.maxReconnectAttempts,
    bufferMaxMessages: options.bufferMaxMessages ?? d.bufferMaxMessages,
    bufferMaxBytes: options.bufferMaxBytes ?? d.bufferMaxBytes,
    durableTopics: options.durableTopics ?? d.durableTopics,
    streamName: options.streamName ?? d.streamName,
    streamMaxAgeMs: options.streamMaxAgeMs ?? d.streamMaxAgeMs,
    streamStorage: options.streamStorage ?? d.streamStorage,
    ackWaitMs: options.ackWaitMs ?? d.ackWaitMs,
    nakDelayMs: options.nakDelayMs ?? d.nakDelayMs,
    maxDeliver: options.maxDeliver ?? d.maxDeliver,
    consumerInactiveThresholdMs: options.consumerInactiveThresholdMs ?? d.consumerInactiveThresholdMs,
    durableDeliverFrom: options.durableDeliverFrom ?? d.durableDeliverFrom,
    handlerConcurrency: options.handlerConcurrency ?? d.handlerConcurrency,
    drainTimeoutMs: options.drainTimeoutMs ?? d.drainTimeoutMs,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const issues: ConfigIssue[] = [];
  const fail = (field: string, expected: string, received: unknown): void => {
    issues.push({
      path: `${path}.${field}`,
      expected,
      received: JSON.stringify(received) ?? String(received),
    });
  };
  if (
    !Array.isArray(o.servers) ||
    o.servers.length === 0 ||
    o.servers.some((s) => typeof s !== 'string' || !s)
  ) {
    fail('servers', 'a non-empty array of host:port strings', o.servers);
  }
  if (typeof o.name !== 'string' || !o.name) fail('name', 'a non-empty string', o.name);
  if (typeof o.namespace !== 'string' || !o.namespace.split('.').every((t) => TOKEN.test(t))) {
    fail('namespace', 'dotted tokens of [A-Za-z0-9_-]', o.namespace);
  }
  if (typeof o.inboxPrefix !== 'string' || !o.inboxPrefix.split('.').every((t) => TOKEN.test(t))) {
    fail('inboxPrefix', 'dotted tokens of [A-Za-z0-9_-]', o.inboxPrefix);
  }
  if (typeof o.streamName !== 'string' || !TOKEN.test(o.streamName)) {
    fail('streamName', 'a name of [A-Za-z0-9_-]', o.streamName);
  }
  const positive: (keyof ResolvedNatsTransportOptions)[] = [
    'maxPayloadBytes',
    'connectTimeoutMs',
    'bufferMaxMessages',
    'bufferMaxBytes',
    'streamMaxAgeMs',
    'ackWaitMs',
    'consumerInactiveThresholdMs',
    'handlerConcurrency',
    'drainTimeoutMs',
  ];
  for (const key of positive) {
    if (!Number.isInteger(o[key]) || (o[key] as number) <= 0) fail(key, 'a positive integer', o[key]);
  }
  for (const key of ['reconnectTimeWaitMs', 'nakDelayMs'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) fail(key, 'an integer >= 0', o[key]);
  }
  for (const key of ['maxReconnectAttempts', 'maxDeliver'] as const) {
    if (!Number.isInteger(o[key]) || (o[key] < 1 && o[key] !== -1))
      fail(key, 'a positive integer or -1', o[key]);
  }
  if (typeof o.confirmPublish !== 'boolean') fail('confirmPublish', 'a boolean', o.confirmPublish);
  if (o.streamStorage !== 'file' && o.streamStorage !== 'memory') {
    fail('streamStorage', "'file' or 'memory'", o.streamStorage);
  }
  if (o.durableDeliverFrom !== 'new' && o.durableDeliverFrom !== 'all') {
    fail('durableDeliverFrom', "'new' or 'all'", o.durableDeliverFrom);
  }
  issues.push(...securityIssues(o, path));
  if (!Array.isArray(o.durableTopics) || o.durableTopics.some((t) => typeof t !== 'string' || !isTopic(t))) {
    fail('durableTopics', 'an array of dotted topics without wildcards', o.durableTopics);
  } else if (o.durableTopics.length > 0 && options.name === undefined) {
    fail(
      'name',
      "this node's own name, stable across restarts (durableTopics is set: each broadcast subscription's durable consumer is named from it)",
      options.name,
    );
  }
  const known = [...Object.keys(d), 'auth', 'tls'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && !CORE_BUS_KEYS.includes(key)) {
      fail(key, `a NATS transport option (${known.join(', ')})`, options[key as keyof NatsTransportOptions]);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return o;
}

/** The issues of `auth` and `tls` (core's schemas), their paths under `path`. */
function securityIssues(o: ResolvedNatsTransportOptions, path: string): readonly ConfigIssue[] {
  try {
    parseConfig(natsSecuritySchema, { auth: o.auth, tls: o.tls });
    return [];
  } catch (err) {
    if (!ConfigError.is(err)) throw err;
    return err.issues.map((issue) => ({ ...issue, path: `${path}.${issue.path}` }));
  }
}

function isTopic(topic: string): boolean {
  return topic.split('.').every((t) => TOKEN.test(t));
}
