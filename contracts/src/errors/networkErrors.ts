import { SlipstreamError, type SerializedError, type SlipstreamErrorOptions } from './SlipstreamError';

/** A per-origin pending queue is full; the request was not sent. */
export class QueueFullError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_QUEUE_FULL';
  static override readonly retryable = true;
}

/** A request waited in a queue longer than its queue timeout; it was not sent. */
export class QueueTimeoutError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_QUEUE_TIMEOUT';
  static override readonly retryable = true;
}

/** The request was shed under overload. `retryAfterMs` hints when to come back. */
export class OverloadedError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_OVERLOADED';
  static override readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: SlipstreamErrorOptions,
  ) {
    super(message, options);
  }
}

/** The request's overall deadline (or an attempt's time limit) passed before it completed. */
export class RequestTimeoutError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TIMEOUT';
  static override readonly retryable = true;
  constructor(
    message: string,
    options?: SlipstreamErrorOptions,
    /**
     * Whether the request was still in the client (waiting for a connection in its pool, or not
     * yet sent) when its time ran out: nothing reached the upstream, so no upstream is to blame.
     */
    readonly unsent = false,
  ) {
    super(message, options);
  }

  /** The serialisable form, with `unsent: true` when nothing reached the upstream. */
  override toJSON(): SerializedError {
    return this.unsent ? { ...super.toJSON(), unsent: true } : super.toJSON();
  }
}

/** The caller aborted the request through its AbortSignal. */
export class RequestAbortedError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_ABORTED';
}

/** A connection could not be made or failed before a response arrived. */
export class ConnectionError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_CONNECTION';
  static override readonly retryable = true;
}

/**
 * The TLS handshake with an upstream failed: its certificate did not verify against the CA
 * (or name), the server refused our client certificate (mutual TLS), or no version in common.
 * `reason` is the TLS library's code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`, ...). Not retryable: the same endpoint fails the
 * same way until its certificate or our settings change. Outcome kind: `upstream_failure`.
 */
export class TlsError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TLS';
  constructor(
    message: string,
    readonly reason: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * An HTTP/2 stream or session failed under a request: the upstream reset the stream
 * (RST_STREAM) or the session errored. Retryable when the request is idempotent. Outcome kind:
 * `upstream_failure`.
 */
export class StreamResetError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_STREAM_RESET';
}

/** The upstream answered with a status the caller treats as a failure. */
export class UpstreamStatusError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_UPSTREAM_STATUS';
  constructor(
    readonly statusCode: number,
    message: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(message, { retryable: [429, 502, 503, 504].includes(statusCode), ...options });
  }
}

/**
 * A response body was malformed (bad JSON, corrupt compression, protocol violation). Outcome
 * kind: `upstream_failure`. The pool's (corrupt compression, a response that fails to parse or
 * is cut short of its length) and a JSON-RPC batch's 2xx answer that is not one (its body read
 * within the attempt) are retryable when the request (every call of the batch) is idempotent:
 * another endpoint may answer well. Not retryable otherwise, nor by default (a body the caller
 * parses, a 100 Continue or upgrade the HTTP/1.1 client refuses).
 */
export class MalformedResponseError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_MALFORMED_RESPONSE';
}

/**
 * The circuit for this endpoint is open; the call failed fast without reaching it.
 * `retryAfterMs`, when known, is how long until the circuit lets a probe through.
 */
export class BrokenCircuitError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_BROKEN_CIRCUIT';
  static override readonly retryable = true;
  constructor(
    message: string,
    options?: SlipstreamErrorOptions,
    readonly retryAfterMs?: number,
  ) {
    super(message, options);
  }
}

/** No endpoint of the cluster can take the request (all ejected, open or unhealthy). */
export class NoHealthyEndpointError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_NO_HEALTHY_ENDPOINT';
  static override readonly retryable = true;
}

/** The client was closed or destroyed; the request was cut or refused. */
export class ClientClosedError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_CLIENT_CLOSED';
}

/** A JSON-RPC call inside a batch failed with an error object from the server. */
export class RpcError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_RPC';
  constructor(
    readonly rpcCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** A request was refused before anything was sent: `field` names what is wrong with it (path, method, a header, the body). */
export class InvalidRequestError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_INVALID_REQUEST';
  constructor(
    /** The part of the request at fault, e.g. `path`, `method`, `headers["x-a"]`, `body`. */
    readonly field: string,
    message: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`invalid request: ${field}: ${message}`, options);
  }
}
