import type { CallPriority } from './CallOptions';
import type { BatchResponse } from './codecs/BatchCodec';

/** One batch as it goes on the wire: body (maybe compressed) and the headers that describe it. */
export interface EncodedBatch {
  /** The request body, compressed when `headers['content-encoding']` says so. */
  readonly body: Uint8Array | string;
  /** `content-type`, and `content-encoding` when the body is compressed. */
  readonly headers: Readonly<Record<string, string>>;
  /** The call ids in the batch, in order. */
  readonly ids: readonly number[];
  /** Whether every call in the batch is idempotent (and none a notification): the batch may then be retried. */
  readonly idempotent: boolean;
  /** The most urgent priority among the batch's calls. */
  readonly priority: CallPriority;
  /**
   * Reads the body of the batch's 2xx response (the codec's `parse`): throws
   * `MalformedResponseError` (retryable when the batch is `idempotent`) when it is no answer of the
   * batch's format. A sender runs it within its attempt, so that such a body fails that attempt as
   * the upstream's (charged to it, retried when allowed), and hands its result back as the
   * response's `parsed`. Absent: nothing to read (a batch of notifications only, or a codec
   * without `parse`).
   */
  readonly readBody?: (response: BatchResponse) => unknown;
}

/**
 * Sends one batch to the batch endpoint and resolves with the raw response (body already
 * decompressed; `parsed` set when it ran the batch's `readBody` on it). It must stop and reject when `signal` aborts. Kept small so that the
 * batcher does not depend on any HTTP client.
 */
export type BatchSender = (batch: EncodedBatch, signal: AbortSignal) => Promise<BatchResponse>;
