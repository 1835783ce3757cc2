import { NoRouteError } from '@slipstream/client';
import {
  BrokenCircuitError,
  ClientClosedError,
  NoHealthyEndpointError,
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  RequestTimeoutError,
  SlipstreamError,
} from '@slipstream/contracts';
import { UnknownQosClassError } from '@slipstream/routing';
import { RefusedRequestError } from '../errors/RefusedRequestError';

/** The HTTP answer to a request that got no upstream response. */
export interface ErrorResponse {
  status: number;
  /** The error's `SLIP_ERR_*` code. */
  code: string;
  /** `retry-after`, seconds; set with every 503. */
  retryAfterSec?: number;
  /** The JSON body: `{ error: { code, message, retryable } }`. */
  body: string;
}

/** Errors that mean "not now, come back": answered 503 with `retry-after`. */
const SHED = [
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  BrokenCircuitError,
  NoHealthyEndpointError,
  ClientClosedError,
];

/**
 * How the sidecar answers `err`: its own refusals with their status; shed, open circuit, no
 * healthy endpoint and closing with 503 + `retry-after` (an `OverloadedError`'s own hint, else
 * `defaultRetryAfterSec`); a deadline with 504; a request no route serves with 404; an unknown
 * `x-slipstream-priority` class with 400; any other failure with 502. An open circuit's hint is the time
 * until it lets a probe through. The body carries the error's `SLIP_ERR_*` code.
 */
export function errorResponse(err: unknown, defaultRetryAfterSec: number): ErrorResponse {
  const error = SlipstreamError.is(err) ? err : new SlipstreamError(String(err), { cause: err });
  let status = 502;
  let retryAfterSec: number | undefined;
  if (RefusedRequestError.is(error)) status = error.status;
  else if (NoRouteError.is(error)) status = 404;
  else if (UnknownQosClassError.is(error)) status = 400;
  else if (RequestTimeoutError.is(error)) status = 504;
  else if (SHED.some((kind) => kind.is(error))) {
    status = 503;
    const hintMs = (error as Partial<OverloadedError | BrokenCircuitError>).retryAfterMs;
    if (hintMs !== undefined) retryAfterSec = Math.max(1, Math.ceil(hintMs / 1_000));
  }
  if (status === 503) retryAfterSec ??= defaultRetryAfterSec;
  const body = JSON.stringify({
    error: { code: error.code, message: error.message, retryable: error.retryable },
  });
  return { status, code: error.code, retryAfterSec, body };
}
