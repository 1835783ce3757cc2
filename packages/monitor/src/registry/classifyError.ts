import {
  BrokenCircuitError,
  ConnectionError,
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  RequestAbortedError,
  RequestTimeoutError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import type { ErrorKind } from './ErrorKind';

/** The error kind of a response status: `5xx`, `4xx`, or undefined for a success. */
export function classifyStatus(status: number): ErrorKind | undefined {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return undefined;
}

/** Codes of undici and Node socket errors, by kind. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  RequestTimeoutError.code,
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const CONNECT_CODES: ReadonlySet<string> = new Set([
  ConnectionError.code,
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const SHED_CODES: ReadonlySet<string> = new Set([
  OverloadedError.code,
  QueueFullError.code,
  QueueTimeoutError.code,
]);
const ABORT_CODES: ReadonlySet<string> = new Set([RequestAbortedError.code, 'UND_ERR_ABORTED', 'ABORT_ERR']);

/**
 * The error kind of a thrown value, read from its `code` (and `statusCode` for an
 * `UpstreamStatusError`), never from its message. Unknown errors are `other`.
 */
export function classifyError(err: unknown): ErrorKind {
  if (typeof err !== 'object' || err === null) return 'other';
  const { code, name } = err as { code?: unknown; name?: unknown };
  if (typeof code === 'string') {
    if (code === UpstreamStatusError.code) {
      const status = (err as { statusCode?: unknown }).statusCode;
      return (typeof status === 'number' && classifyStatus(status)) || 'other';
    }
    if (code === BrokenCircuitError.code) return 'breakerOpen';
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (CONNECT_CODES.has(code)) return 'connect';
    if (SHED_CODES.has(code)) return 'shed';
    if (ABORT_CODES.has(code)) return 'aborted';
  }
  if (name === 'AbortError') return 'aborted';
  if (name === 'TimeoutError') return 'timeout';
  return 'other';
}
