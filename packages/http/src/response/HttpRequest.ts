import type { CompressionAlgorithm } from '@slipstream/contracts';
import type { RequestBody } from './RequestBody';

/** A request to one origin. */
export interface HttpRequest {
  /** `http://host:port` (or https). */
  origin: string;
  /** Path with query, e.g. `/users?id=1`. */
  path: string;
  /** HTTP method, upper case. */
  method: string;
  /** Request headers, lower-case names. */
  headers?: Record<string, string>;
  /**
   * Request body; Buffers and strings above the origin's threshold are compressed when the origin
   * accepts it. A `StreamedBody` is sent as it flows (compressed as a stream, whatever its size,
   * when compression applies) and never replayed: the request counts as non-idempotent.
   */
  body?: RequestBody;
}

/** Per-request options. */
export interface HttpRequestOptions {
  /**
   * Request body compression for this request (e.g. a route's policy); overrides the origin's
   * `requestCompression`, with the origin's threshold. Defaults to the origin's setting.
   */
  compression?: CompressionAlgorithm;
  /** Aborts the request; it rejects with `RequestAbortedError` and frees its queue slot or socket. */
  signal?: AbortSignal;
  /**
   * For `stream()`: `signal` covers the wait for the response headers only. Once they arrive the
   * request stops listening to it (its caller cuts the body by destroying it), so the caller may
   * hand the signal to a later request. Defaults to false: the signal also cuts the body.
   */
  signalUntilHeaders?: boolean;
  /**
   * Whether `signal` is handed to request after request, one at a time (the client's circuit
   * breaker reuses its attempts' signals so): the pool then leaves one listener on it for good,
   * serving its requests in turn, instead of adding and removing one per request (about 0.2 µs
   * on Node 20). Not for a signal that may be dropped before it aborts (`AbortSignal.timeout()`,
   * `AbortSignal.any()`): a listener keeps such a signal alive until it does. Defaults to false.
   */
  reusedSignal?: boolean;
  /**
   * Overall deadline from the call (queue wait included), ms; `RequestTimeoutError` after it. For
   * `stream()` it ends at the response headers (then `bodyTimeoutMs` applies between chunks). Defaults to none.
   */
  timeoutMs?: number;
  /** Whether a replay is safe. Defaults to true for GET, HEAD, OPTIONS, PUT, DELETE, TRACE. */
  idempotent?: boolean;
  /**
   * Whether the response body is decoded as its `content-encoding` says (and `accept-encoding`
   * announcing the decoders is added to a request without one). False: the body is handed over
   * as the upstream sent it, `content-encoding` and `content-length` kept, and the request's own
   * `accept-encoding` (if any) goes as given — what a proxy passing bodies through wants.
   * Defaults to true.
   */
  decode?: boolean;
}
