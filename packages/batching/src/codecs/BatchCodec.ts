/** One logical call as the batcher hands it to a codec. */
export interface BatchCall {
  /** Unique per batcher (a monotonic counter). */
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
  /** A notification: sent without an id, wants no answer; it succeeds when its batch is delivered. */
  readonly notification?: boolean;
}

/** One call encoded once, ready to be joined into a batch body. */
export interface EncodedCall {
  readonly call: BatchCall;
  /** The call's encoded form, as it appears in the batch body. */
  readonly chunk: string;
  /** Bytes the call adds to the batch body (chunk plus separator). */
  readonly bytes: number;
  /**
   * The call's encoded form without its id (method and params): equal for identical calls, so
   * the batcher de-duplicates on it without encoding twice. Absent: the call is never shared.
   */
  readonly identity?: string;
}

/** A batch body before compression. */
export interface EncodedBody {
  readonly body: string;
  readonly contentType: string;
  /** The ids of the calls in the body that want an answer (notifications have none), in order. */
  readonly ids: readonly number[];
}

/** The upstream's answer to one batch, as the sender received it (already decompressed). */
export interface BatchResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | string;
  /**
   * What the codec's `parse` made of the body when the sender already ran it (`EncodedBatch.readBody`,
   * within the attempt that got this response): `decode` reads it instead of the body, so the body is
   * parsed once. Absent: `decode` reads the body.
   */
  parsed?: unknown;
}

/** The outcome of one call of a batch. */
export type BatchOutcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: Error };

/**
 * A wire format for batches. `encodeCall` runs once per call when it is queued (so an
 * unserialisable call fails alone and the byte limit is exact); `encodeBatch` joins the
 * encoded calls; `decode` maps a response to one outcome per call, in the calls' order.
 */
export interface BatchCodec {
  /** Encodes one call; throws a `SlipstreamError` when it cannot travel. */
  encodeCall(call: BatchCall): EncodedCall;
  /** Bytes of the batch body around the calls (brackets and the like). */
  readonly overheadBytes: number;
  /** Joins encoded calls into one batch body. */
  encodeBatch(calls: readonly EncodedCall[]): EncodedBody;
  /**
   * Reads the body of a batch's 2xx response: what `decode` makes outcomes of (given back as
   * `BatchResponse.parsed`). Throws `MalformedResponseError` when the body is no answer of the
   * codec's format (the whole batch fails), retryable when the batch is `idempotent`. Optional:
   * without it, a malformed body is found by `decode` only, after the sender's attempt is over.
   */
  parse?(response: BatchResponse, idempotent: boolean): unknown;
  /** One outcome per call of `calls`, in order. Never throws: failures are outcomes. */
  decode(response: BatchResponse, calls: readonly BatchCall[]): BatchOutcome[];
}
