import {
  ClientClosedError,
  ConfigError,
  ConnectionError,
  MalformedResponseError,
  RequestAbortedError,
  RequestTimeoutError,
  SlipstreamError,
  type BatchStats,
  type FlushReason,
} from '@slipstream/contracts';
import type { BatchSender, EncodedBatch } from './BatchSender';
import type { CallOptions, CallPriority, NotifyOptions } from './CallOptions';
import type { BatchCodec, BatchOutcome, BatchResponse, EncodedBody, EncodedCall } from './codecs/BatchCodec';
import { JsonRpcCodec } from './codecs/JsonRpcCodec';
import { compressBody } from './compression/compressBody';
import {
  resolveBatcherOptions,
  type RequestBatcherOptions,
  type ResolvedBatcherOptions,
} from './RequestBatcherOptions';
import { BatchStatsCollector } from './stats/BatchStatsCollector';

const PRIORITIES: readonly CallPriority[] = ['critical', 'standard', 'bulk'];

/** One caller waiting for a call's outcome. */
interface Waiter {
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Removes the abort listener and the call timer. */
  cleanup(): void;
}

/** One call on the wire; several waiters share it when de-duplicated. */
interface Item {
  readonly encoded: EncodedCall;
  priority: CallPriority;
  state: 'queued' | 'inFlight' | 'done';
  readonly waiters: Set<Waiter>;
  readonly dedupeKey: string | undefined;
  /** Whether the call may be sent twice (idempotent, not a notification). */
  readonly idempotent: boolean;
  batch?: Batch;
}

/** A batch handed to the sender. */
interface Batch {
  readonly items: readonly Item[];
  readonly controller: AbortController;
  timer?: NodeJS.Timeout;
  done: boolean;
}

/**
 * Collects logical calls for one batch endpoint and sends them as one batch when
 * `maxBatchSize` calls wait, the encoded batch would pass `maxBatchBytes`, a `critical` call
 * arrives, or `maxDelayMs` after the first call of the batch, whichever comes first; at most
 * `maxInFlightBatches` batches are on the wire, the rest wait in priority order.
 *
 * Every call settles exactly once: with its own result, or a typed error that concerns it
 * (item error, missing or duplicate id, whole-batch status, malformed body, timeout, abort).
 * Bodies are compressed here, per the batching config, so that `stats().compressionRatio`
 * measures what this batcher put on the wire; the sender only carries bytes.
 */
export class RequestBatcher {
  private options: ResolvedBatcherOptions;
  private readonly stats_: BatchStatsCollector;
  private readonly queues: Record<CallPriority, Item[]> = { critical: [], standard: [], bulk: [] };
  private queuedCount = 0;
  private queuedBytes = 0;
  private readonly dedupeIndex = new Map<string, Item>();
  private windowTimer: NodeJS.Timeout | undefined;
  /** The window of the queued calls has passed: flush as soon as a batch slot is free. */
  private due = false;
  private inFlight = 0;
  private nextId = 1;
  private closing = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sender: BatchSender,
    options: RequestBatcherOptions = {},
    private readonly codec: BatchCodec = new JsonRpcCodec(),
  ) {
    this.options = resolveBatcherOptions(options);
    this.stats_ = new BatchStatsCollector(this.options.statsWindowMs, Date.now());
  }

  /** The settings in force. */
  get config(): ResolvedBatcherOptions {
    return this.options;
  }

  /**
   * Queues one call and resolves with its result. Rejects with `ClientClosedError` after
   * `close()`, `RequestAbortedError` on abort, `RequestTimeoutError` on timeout, `RpcError`
   * for an item error, and the batch's error when the whole batch failed.
   */
  call<T = unknown>(method: string, params?: unknown, options: CallOptions = {}): Promise<T> {
    return this.enqueue<T>(method, params, options, false);
  }

  /**
   * Queues one notification: a call sent without an id, that wants no answer. Resolves when
   * its batch was delivered (a 2xx answer); rejects with the batch's error when it was not,
   * and like `call()` on close, abort or timeout. Notifications are never de-duplicated.
   */
  notify(method: string, params?: unknown, options: NotifyOptions = {}): Promise<void> {
    return this.enqueue<void>(method, params, { ...options, idempotent: false }, true);
  }

  private enqueue<T>(
    method: string,
    params: unknown,
    options: CallOptions,
    notification: boolean,
  ): Promise<T> {
    const priority = options.priority ?? 'standard';
    const timeoutMs = options.timeoutMs;
    if (this.closing) return Promise.reject(new ClientClosedError('the request batcher is closed'));
    if (!PRIORITIES.includes(priority)) {
      return Promise.reject(
        new ConfigError([
          { path: 'call.priority', expected: "'critical', 'standard' or 'bulk'", received: String(priority) },
        ]),
      );
    }
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      return Promise.reject(
        new ConfigError([
          { path: 'call.timeoutMs', expected: 'a finite number > 0 (ms)', received: String(timeoutMs) },
        ]),
      );
    }
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(
        new RequestAbortedError('the call was aborted before it was queued', { cause: signal.reason }),
      );
    }
    return new Promise<T>((resolve, reject: (error: Error) => void) => {
      let item: Item;
      try {
        item = this.itemFor(method, params, priority, options.idempotent === true, notification);
      } catch (err) {
        // itemFor throws only the codec's typed errors.
        reject(err as Error);
        return;
      }
      const waiter = this.attachWaiter(item, resolve as (value: unknown) => void, reject, signal, timeoutMs);
      item.waiters.add(waiter);
      this.pump();
    });
  }

  /** Measured figures of this batcher. */
  stats(): BatchStats {
    return this.stats_.snapshot(Date.now());
  }

  /**
   * Changes settings live. The partial is merged over the settings in force and validated;
   * an invalid one throws `ConfigError` and the old settings stay. Returns the new settings.
   */
  updateOptions(partial: RequestBatcherOptions): ResolvedBatcherOptions {
    this.options = resolveBatcherOptions(partial, this.options);
    this.stats_.setWindow(this.options.statsWindowMs, Date.now());
    this.pump();
    return this.options;
  }

  /** Flushes the waiting calls, waits for every batch in flight, and refuses new calls. */
  close(): Promise<void> {
    this.closing = true;
    this.pump();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIdle();
    });
  }

  /** The queued item this call joins (de-duplicated), or a new one. */
  private itemFor(
    method: string,
    params: unknown,
    priority: CallPriority,
    idempotent: boolean,
    notification: boolean,
  ): Item {
    // Encoded once: the codec's identity of the call (its form without the id) is the dedupe key.
    const encoded = this.codec.encodeCall({ id: this.nextId++, method, params, notification });
    const dedupeKey = this.options.dedupe && idempotent ? encoded.identity : undefined;
    const shared = dedupeKey === undefined ? undefined : this.dedupeIndex.get(dedupeKey);
    if (shared) {
      this.stats_.recordDeduplicated();
      if (priority === 'critical' && shared.state === 'queued') this.requeue(shared, 'critical');
      return shared;
    }
    const item: Item = {
      encoded,
      priority,
      state: 'queued',
      waiters: new Set(),
      dedupeKey,
      idempotent: idempotent && !notification,
    };
    if (dedupeKey !== undefined) this.dedupeIndex.set(dedupeKey, item);
    this.queues[priority].push(item);
    this.queuedCount += 1;
    this.queuedBytes += encoded.bytes;
    return item;
  }

  private attachWaiter(
    item: Item,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Waiter {
    const onAbort = (): void =>
      this.dropWaiter(
        item,
        waiter,
        new RequestAbortedError('the call was aborted', { cause: signal?.reason }),
      );
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              this.dropWaiter(
                item,
                waiter,
                new RequestTimeoutError(`the call did not settle within ${timeoutMs} ms`),
              ),
            timeoutMs,
          ).unref();
    const waiter: Waiter = {
      settled: false,
      resolve,
      reject,
      cleanup: () => {
        signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    return waiter;
  }

  private settle(item: Item, waiter: Waiter, outcome: BatchOutcome): void {
    if (waiter.settled) return;
    waiter.settled = true;
    waiter.cleanup();
    item.waiters.delete(waiter);
    this.stats_.recordSettled(Date.now());
    if (outcome.ok) waiter.resolve(outcome.value);
    else waiter.reject(outcome.error);
  }

  /** Settles one waiter early (abort, call timeout); an item nobody waits for leaves its queue or batch. */
  private dropWaiter(item: Item, waiter: Waiter, error: Error): void {
    this.settle(item, waiter, { ok: false, error });
    if (item.waiters.size > 0) return;
    this.unindex(item);
    if (item.state === 'queued') {
      this.unqueue(item);
      this.pump();
      this.notifyIdle();
    } else if (item.state === 'inFlight' && item.batch?.items.every((i) => i.waiters.size === 0)) {
      item.batch.controller.abort(new RequestAbortedError('every call of the batch was aborted'));
    }
  }

  private unindex(item: Item): void {
    if (item.dedupeKey !== undefined && this.dedupeIndex.get(item.dedupeKey) === item) {
      this.dedupeIndex.delete(item.dedupeKey);
    }
  }

  private unqueue(item: Item): void {
    const queue = this.queues[item.priority];
    queue.splice(queue.indexOf(item), 1);
    this.queuedCount -= 1;
    this.queuedBytes -= item.encoded.bytes;
  }

  private requeue(item: Item, priority: CallPriority): void {
    const queue = this.queues[item.priority];
    queue.splice(queue.indexOf(item), 1);
    item.priority = priority;
    this.queues[priority].push(item);
  }

  /** Sends every batch that is due while slots are free, and keeps the window timer right. */
  private pump(): void {
    while (this.queuedCount > 0 && this.inFlight < this.options.maxInFlightBatches && this.flushDue()) {
      this.dispatch();
    }
    if (this.queuedCount === 0) {
      this.due = false;
      this.clearWindow();
    } else if (!this.due && this.windowTimer === undefined) {
      this.windowTimer = setTimeout(() => {
        this.windowTimer = undefined;
        this.due = true;
        this.pump();
      }, this.options.maxDelayMs);
    }
  }

  private flushDue(): boolean {
    const { maxBatchSize, maxBatchBytes } = this.options;
    return (
      this.closing ||
      this.due ||
      this.queues.critical.length > 0 ||
      this.queuedCount >= maxBatchSize ||
      this.codec.overheadBytes + this.queuedBytes >= maxBatchBytes
    );
  }

  private clearWindow(): void {
    if (this.windowTimer === undefined) return;
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
  }

  /** Takes the next batch from the queues (critical first) and hands it to the sender. */
  private dispatch(): void {
    const { maxBatchSize, maxBatchBytes, timeoutMs } = this.options;
    const items: Item[] = [];
    let bytes = this.codec.overheadBytes;
    let cutByBytes = false;
    for (const priority of PRIORITIES) {
      const queue = this.queues[priority];
      while (queue.length > 0 && items.length < maxBatchSize && !cutByBytes) {
        const next = queue[0]!;
        if (items.length > 0 && bytes + next.encoded.bytes > maxBatchBytes) {
          cutByBytes = true;
          break;
        }
        queue.shift();
        items.push(next);
        bytes += next.encoded.bytes;
      }
    }
    const reason: FlushReason = this.closing
      ? 'close'
      : items.some((i) => i.priority === 'critical')
        ? 'priority'
        : cutByBytes || bytes >= maxBatchBytes
          ? 'bytes'
          : items.length >= maxBatchSize
            ? 'size'
            : 'delay';
    this.queuedCount -= items.length;
    this.queuedBytes -= bytes - this.codec.overheadBytes;
    this.inFlight += 1;
    const batch: Batch = { items, controller: new AbortController(), done: false };
    for (const item of items) {
      item.state = 'inFlight';
      item.batch = batch;
    }
    batch.timer = setTimeout(() => {
      const error = new RequestTimeoutError(
        `the batch of ${items.length} calls got no response within ${timeoutMs} ms`,
      );
      batch.controller.abort(error);
      this.finish(batch, error);
    }, timeoutMs).unref();
    void this.send(batch, this.codec.encodeBatch(items.map((i) => i.encoded)), reason);
  }

  /** What the sender learns about a batch besides its bytes: whether it may be retried, and how urgent it is. */
  private describe(items: readonly Item[]): Pick<EncodedBatch, 'idempotent' | 'priority'> {
    return {
      idempotent: items.every((i) => i.idempotent),
      priority: PRIORITIES.find((p) => items.some((i) => i.priority === p)) ?? 'standard',
    };
  }

  /** The batch's `readBody`: the codec's `parse`, when some call of the batch wants an answer. */
  private bodyReader(
    encoded: EncodedBody,
    idempotent: boolean,
  ): ((response: BatchResponse) => unknown) | undefined {
    const codec = this.codec;
    if (codec.parse === undefined || encoded.ids.length === 0) return undefined;
    return (response) => codec.parse!(response, idempotent);
  }

  /** Compresses, sends and decodes one batch; never rejects. */
  private async send(batch: Batch, encoded: EncodedBody, reason: FlushReason): Promise<void> {
    const { signal } = batch.controller;
    let result: BatchOutcome[] | Error;
    try {
      const wire = await compressBody(
        encoded.body,
        this.options.compression,
        this.options.compressionThresholdBytes,
      );
      signal.throwIfAborted();
      this.stats_.recordBatch(batch.items.length, reason, wire.logicalBytes, wire.wireBytes);
      const headers: Record<string, string> = { 'content-type': encoded.contentType };
      if (wire.contentEncoding) headers['content-encoding'] = wire.contentEncoding;
      const described = this.describe(batch.items);
      const response = await this.sender(
        {
          body: wire.body,
          headers,
          ids: encoded.ids,
          ...described,
          readBody: this.bodyReader(encoded, described.idempotent),
        },
        signal,
      );
      result = this.codec.decode(
        response,
        batch.items.map((i) => i.encoded.call),
      );
    } catch (err) {
      const cause: unknown = signal.aborted ? signal.reason : err;
      result = SlipstreamError.is(cause) ? cause : new ConnectionError('sending the batch failed', { cause });
    }
    this.finish(batch, result);
  }

  /** Settles every waiter of the batch once, frees its slot and sends what is due next. */
  private finish(batch: Batch, result: BatchOutcome[] | Error): void {
    if (batch.done) return;
    batch.done = true;
    clearTimeout(batch.timer);
    this.inFlight -= 1;
    batch.items.forEach((item, index) => {
      item.state = 'done';
      this.unindex(item);
      const outcome: BatchOutcome =
        result instanceof Error
          ? { ok: false, error: result }
          : (result[index] ?? {
              ok: false,
              error: new MalformedResponseError('the codec returned no outcome'),
            });
      // De-duplicated callers each get their own copy: one caller's mutation is not another's surprise.
      const shared = item.waiters.size > 1 && outcome.ok;
      for (const waiter of [...item.waiters]) {
        this.settle(item, waiter, shared ? { ok: true, value: structuredClone(outcome.value) } : outcome);
      }
    });
    this.pump();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.queuedCount > 0 || this.inFlight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
