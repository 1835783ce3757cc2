import { RequestAbortedError, SlipstreamError } from '@slipstream/contracts';

/** Status codes a retry may help with. */
export const RETRYABLE_STATUS = Object.freeze(new Set([429, 502, 503, 504]));

/** Error codes of connection failures (node and undici) a retry on another endpoint may help with. */
export const RETRYABLE_CODES = Object.freeze(
  new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPIPE',
    'ETIMEDOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
  ]),
);

/**
 * Whether a retry may help, read from data only: a Slipstream error's `retryable`, else a
 * `statusCode` in `RETRYABLE_STATUS`, else a connection error `code`. The caller's own abort
 * never is.
 */
export function isRetryableError(error: unknown): boolean {
  if (RequestAbortedError.is(error)) return false;
  if (SlipstreamError.is(error)) return error.retryable;
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return RETRYABLE_STATUS.has(statusCode);
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}
