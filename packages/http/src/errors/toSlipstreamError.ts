import {
  ClientClosedError,
  ConnectionError,
  MalformedResponseError,
  RequestAbortedError,
  RequestTimeoutError,
  SlipstreamError,
  StreamResetError,
  TlsError,
} from '@slipstream/contracts';
import { ResponseTooLargeError } from './ResponseTooLargeError';

/** Error codes of a socket that failed under a request (stale keep-alive sockets fail this way). */
const SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Error codes of an HTTP/2 stream that died with its session, or was dropped by undici without
 * a response (`UND_ERR_INFO`: a stream half-closed or closed by the peer before any response, a
 * refused stream, a frame error), as opposed to an upstream's RST_STREAM with an error code
 * (`ERR_HTTP2_STREAM_ERROR`), which is the upstream's answer to that one request.
 */
const LOST_STREAM_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_INFO',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_SESSION_ERROR',
]);

/**
 * Messages of the `UND_ERR_SOCKET` errors undici's HTTP/1.1 client destroys a connection with
 * when it refuses the response itself (client-h1.js `onMessageBegin`, `onHeadersComplete`): a
 * `100 Continue`, which it takes for a bad response whether asked for or not; an upgrade (101)
 * the request did not ask for; a response with no request in flight.
 */
const REFUSED_RESPONSE_MESSAGES: ReadonlySet<string> = new Set(['bad response', 'bad upgrade']);

/**
 * Whether undici refused the upstream's response itself (see `REFUSED_RESPONSE_MESSAGES`): the
 * upstream answered, so the connection was not lost under the request, and the same request
 * draws the same answer again.
 */
function isRefusedResponse(err: unknown, code: string | undefined): boolean {
  return code === 'UND_ERR_SOCKET' && REFUSED_RESPONSE_MESSAGES.has((err as Error).message);
}

/** Error codes of a connection that could not be made. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Certificate verification failures (OpenSSL's names, as Node reports them). */
const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** Whether `code` names a TLS failure: a certificate that did not verify, a TLS alert, a handshake error. */
function isTlsCode(code: string): boolean {
  return CERTIFICATE_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether `err` is the loss of the connection (or of the HTTP/2 stream with it) rather than an
 * answer of the upstream: a replay on another connection may cure it, and when no response
 * byte arrived the upstream did not answer the request.
 */
export function isConnectionLoss(err: unknown): boolean {
  const code = codeOf(err);
  return (
    code !== undefined &&
    (SOCKET_CODES.has(code) || LOST_STREAM_CODES.has(code)) &&
    !isRefusedResponse(err, code)
  );
}

/**
 * Maps an undici or socket error onto the contracts' taxonomy, keeping the original as `cause`.
 * `idempotent` decides whether a socket failure or a malformed response (a parse error, a
 * body shorter than its length) is retryable (a replay cannot double an effect).
 */
export function toSlipstreamError(err: unknown, idempotent: boolean): SlipstreamError {
  if (SlipstreamError.is(err)) return err;
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new RequestTimeoutError(message, { cause: err, retryable: idempotent });
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return new RequestAbortedError(message, { cause: err });
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      return new ClientClosedError(message, { cause: err });
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return new ResponseTooLargeError(message, { cause: err });
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new MalformedResponseError(message, { cause: err, retryable: idempotent });
  }
  if (code?.startsWith('HPE_'))
    return new MalformedResponseError(message, { cause: err, retryable: idempotent });
  if (isRefusedResponse(err, code)) {
    return new MalformedResponseError(
      `${message}: the HTTP/1.1 client refused the upstream's response (a 100 Continue, an unrequested upgrade)`,
      // Not retryable: an answer RFC 9110 allows that undici refuses; another endpoint would answer alike.
      { cause: err },
    );
  }
  if (code !== undefined && isTlsCode(code)) return new TlsError(`TLS: ${message}`, code, { cause: err });
  if (code === 'UND_ERR_INFO' || code?.startsWith('ERR_HTTP2_')) {
    return new StreamResetError(message, { cause: err, retryable: idempotent });
  }
  if (code !== undefined && CONNECT_CODES.has(code)) return new ConnectionError(message, { cause: err });
  if (code !== undefined && SOCKET_CODES.has(code)) {
    return new ConnectionError(message, { cause: err, retryable: idempotent });
  }
  return new SlipstreamError(message, { cause: err });
}
