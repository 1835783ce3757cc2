import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';

import type { HandlerSlots } from './HandlerSlots';

/** What a `JetStreamChannel` needs to know about its stream and consumers. */
export interface JetStreamChannelOptions {
  streamName: string;
  /** Subjects the stream must capture. */
  subjects: string[];
  storage: 'file' | 'memory';
  maxAgeMs: number;
  ackWaitMs: number;
  /** Where a consumer created now starts: new messages only, or all the stream holds. */
  deliverFrom: 'new' | 'all';
  /** How long a consumer may go without a subscriber before the server removes it, ms. */
  inactiveThresholdMs: number;
  /** Called with what a `deliver` call or a consumer's message stream rejected with (logged by the caller). */
  onError: (err: unknown) => void;
}

/**
 * A running durable consumer; `stop()` ends delivery (the consumer stays on the server until it
 * has been without a subscriber for `inactiveThresholdMs`).
 */
export interface DurableConsumption {
  stop(): void;
}

/**
 * JetStream for the durable topics: makes sure the stream exists (idempotently), publishes
 * with de-duplication by message id, and consumes through durable pull consumers with
 * explicit ack, by the name the caller gives (one per group, or one per broadcast subscription).
 * Consumers redeliver without limit: the caller counts deliveries and dead-letters a message, so
 * none is dropped by the server unrecorded.
 */
export class JetStreamChannel {
  readonly #js: JetStreamClient;
  readonly #options: JetStreamChannelOptions;
  #jsm: Promise<JetStreamManager> | undefined;
  #stream: Promise<void> | undefined;
  readonly #nc: NatsConnection;

  constructor(nc: NatsConnection, options: JetStreamChannelOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#options = options;
  }

  /** Creates the stream, or adds missing subjects to it; runs once, retried after a failure. */
  ensureStream(): Promise<void> {
    this.#stream ??= this.#createStream().catch((err: unknown) => {
      this.#stream = undefined;
      throw err;
    });
    return this.#stream;
  }

  /** Stores `data` on `subject`; resolves on the stream's ack. `msgId` de-duplicates a retried publish. */
  async publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    await this.ensureStream();
    await this.#js.publish(subject, data, { msgID: msgId });
  }

  /**
   * Consumes `subject` through the durable consumer `durableName`, creating it when missing
   * (starting per `deliverFrom`). Each message goes to `deliver` once a slot of `slots` is free;
   * the caller acks or naks it. A message pulled but not yet started when `stop()` is called is
   * nak'ed at once. A rejection of `deliver` (or of the message stream) goes to `onError`.
   */
  async consume(
    subject: string,
    durableName: string,
    slots: HandlerSlots,
    deliver: (msg: JsMsg) => Promise<void>,
  ): Promise<DurableConsumption> {
    await this.ensureStream();
    const jsm = await this.#manager();
    const { streamName, ackWaitMs, deliverFrom, inactiveThresholdMs, onError } = this.#options;
    const inactiveThreshold = nanos(inactiveThresholdMs);
    try {
      const info = await jsm.consumers.info(streamName, durableName);
      // A consumer made before the threshold was set (or with another one) gets this one.
      if (info.config.inactive_threshold !== inactiveThreshold) {
        await jsm.consumers.update(streamName, durableName, { inactive_threshold: inactiveThreshold });
      }
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
      await jsm.consumers.add(streamName, {
        durable_name: durableName,
        filter_subject: subject,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: deliverFrom === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
        ack_wait: nanos(ackWaitMs),
        max_deliver: -1,
        inactive_threshold: inactiveThreshold,
      });
    }
    const consumer = await this.#js.consumers.get(streamName, durableName);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: slots.size });
    let stopped = false;
    void (async () => {
      for await (const msg of messages) {
        await slots.acquire();
        if (stopped) {
          slots.release();
          msg.nak();
          continue;
        }
        deliver(msg)
          .catch(onError)
          .finally(() => slots.release());
      }
    })().catch(onError);
    return {
      stop: () => {
        stopped = true;
        void messages.close();
      },
    };
  }

  /** Stores a dead letter on `subject` (a stream subject); resolves on the stream's ack. */
  async deadLetter(subject: string, data: Uint8Array, headers: MsgHdrs, msgId: string): Promise<void> {
    await this.#js.publish(subject, data, { msgID: msgId, headers });
  }

  /** Deletes the stream (tests and tooling). */
  async deleteStream(): Promise<void> {
    const jsm = await this.#manager();
    await jsm.streams.delete(this.#options.streamName);
    this.#stream = undefined;
  }

  async #createStream(): Promise<void> {
    const jsm = await this.#manager();
    const { streamName, subjects, storage, maxAgeMs } = this.#options;
    try {
      const info = await jsm.streams.info(streamName);
      const missing = subjects.filter((s) => !info.config.subjects?.includes(s));
      if (missing.length > 0) {
        await jsm.streams.update(streamName, { subjects: [...(info.config.subjects ?? []), ...missing] });
      }
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
      await jsm.streams
        .add({
          name: streamName,
          subjects,
          retention: RetentionPolicy.Limits,
          storage: storage === 'file' ? StorageType.File : StorageType.Memory,
          max_age: nanos(maxAgeMs),
        })
        .catch(async (addErr: unknown) => {
          // Another process may have created it between our info and add.
          await jsm.streams.info(streamName).catch(() => {
            throw addErr;
          });
        });
    }
  }

  #manager(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.#nc);
    return this.#jsm;
  }
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
