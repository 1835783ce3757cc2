import { MalformedResponseError } from '@slipstream/contracts';
import { ResponseTooLargeError } from './ResponseTooLargeError';

/** The error of a response body whose decoded size passed `limit` bytes (`maxResponseSize`). */
export function decodedTooLarge(limit: number, cause?: unknown): ResponseTooLargeError {
  return new ResponseTooLargeError(`decoded response exceeds ${limit} bytes`, { cause });
}

/**
 * The error of a response body that does not decode as its `content-encoding` says: the
 * upstream's failure, retryable when the request is idempotent (another endpoint may answer well).
 */
export function corruptBody(encoding: string, cause: unknown, idempotent: boolean): MalformedResponseError {
  return new MalformedResponseError(`corrupt ${encoding} response body`, { cause, retryable: idempotent });
}
