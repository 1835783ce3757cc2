import { RequestAbortedError, SlipstreamError } from '@slipstream/contracts';

/**
 * Whether an error counts against an endpoint's circuit: a response status ≥ 500 does, any
 * other status (4xx, 429 included) does not; the caller's own abort does not; a Slipstream
 * error counts when it is retryable; any other error (connection failures) counts.
 */
export function isBreakerFailure(error: unknown): boolean {
  if (RequestAbortedError.is(error)) return false;
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number') return statusCode >= 500;
  if (SlipstreamError.is(error)) return error.retryable;
  return true;
}
