import type { OutcomeKind } from '@slipstream/contracts';

/** What the breaker does with an attempt's outcome: count it as a failure, a success, or not at all. */
export type BreakerEffect = 'failure' | 'success' | 'ignore';
/** What the endpoint's state (outlier detection and peak EWMA) does with an attempt's outcome. */
export type EndpointEffect = 'failure' | 'success' | 'ignore';
/** What the concurrency limiter does with an attempt's outcome: an RTT sample, an overload signal, or nothing. */
export type LimiterEffect = 'sample' | 'drop' | 'ignore';

/** How each learner treats one outcome kind: one row of `OUTCOME_EFFECTS`. */
export interface OutcomeEffects {
  /** The endpoint's circuit breaker. */
  readonly breaker: BreakerEffect;
  /** The endpoint's outlier detection and latency estimate (only the upstream's own kinds are charged). */
  readonly endpoint: EndpointEffect;
  /** The cluster's concurrency limiter. */
  readonly limiter: LimiterEffect;
  /** Whether the retry policy may retry it (another endpoint, within budget and deadline). */
  readonly retry: boolean;
}

/**
 * The one table every learner reads: what each outcome kind means to the breaker, the
 * endpoint state, the limiter and the retry policy (the monitor counts every kind and calls
 * only `upstream_failure` an error). Only the upstream's own kinds
 * are charged to an endpoint; local rejections and cancellations teach nobody anything.
 */
export const OUTCOME_EFFECTS: Readonly<Record<OutcomeKind, OutcomeEffects>> = Object.freeze({
  success: { breaker: 'success', endpoint: 'success', limiter: 'sample', retry: false },
  upstream_failure: {
    breaker: 'failure',
    endpoint: 'failure',
    limiter: 'ignore',
    retry: true,
  },
  upstream_overload: {
    breaker: 'failure',
    endpoint: 'failure',
    limiter: 'drop',
    retry: true,
  },
  client_error: {
    breaker: 'success',
    endpoint: 'success',
    limiter: 'sample',
    retry: false,
  },
  // Queue full or an open circuit at one endpoint: another endpoint may take the retry.
  local_rejection: {
    breaker: 'ignore',
    endpoint: 'ignore',
    limiter: 'ignore',
    retry: true,
  },
  cancelled: { breaker: 'ignore', endpoint: 'ignore', limiter: 'ignore', retry: false },
});

/** Codes of errors raised inside the client before an upstream was reached. */
const LOCAL_CODES: ReadonlySet<string> = new Set([
  'SLIP_ERR_QUEUE_FULL',
  'SLIP_ERR_QUEUE_TIMEOUT',
  'SLIP_ERR_OVERLOADED',
  'SLIP_ERR_BROKEN_CIRCUIT',
  'SLIP_ERR_CLIENT_CLOSED',
  'SLIP_ERR_NO_HEALTHY_ENDPOINT',
  'SLIP_ERR_NO_ROUTE',
  'SLIP_ERR_UNSUPPORTED_BODY',
  'SLIP_ERR_CONFIG',
  'SLIP_ERR_INVALID_REQUEST',
  'SLIP_ERR_UNKNOWN_QOS_CLASS',
  'SLIP_ERR_PIPELINE_STEP',
]);

/** Codes of the caller's own abort (ours, undici's, the DOM's). */
const ABORT_CODES: ReadonlySet<string> = new Set(['SLIP_ERR_ABORTED', 'UND_ERR_ABORTED', 'ABORT_ERR']);

/** What an attempt's outcome is classified from, besides its status or error. */
export interface OutcomeContext {
  /** The caller's signal: once aborted, whatever the attempt ended with is a cancellation. */
  readonly signal?: AbortSignal | undefined;
  /** The overall deadline, ms since the epoch: an attempt that ends after it is a cancellation. */
  readonly deadline?: number | undefined;
  /**
   * The attempt's own signal (the breaker's): aborted while the caller's is not, the attempt
   * was cut for running too long (breaker timeout), which is the upstream's failure.
   */
  readonly attemptSignal?: AbortSignal | undefined;
}

/** Timers may fire a few ms before the wall clock reaches the deadline they were set for, ms. */
const DEADLINE_SLACK_MS = 5;

/**
 * The verdict on a response status: 1xx–3xx success, 429 (and 503 with `retry-after`) overload,
 * 508 (Loop Detected: the request's own route goes round in circles, which no endpoint is to
 * blame for and no retry mends) client error, other 5xx upstream failure, other 4xx client error.
 */
export function classifyStatus(status: number, retryAfter = false): OutcomeKind {
  if (status < 400) return 'success';
  if (status === 429 || (status === 503 && retryAfter)) return 'upstream_overload';
  if (status >= 500 && status !== 508) return 'upstream_failure';
  return 'client_error';
}

/**
 * `classifyStatus` of a response with `headers` (lower-case names): whether it carries a
 * `retry-after` is looked up only for a 503, the one status it changes.
 */
export function classifyResponse(status: number, headers: object): OutcomeKind {
  return classifyStatus(status, status === 503 && 'retry-after' in headers);
}

/**
 * The verdict on an attempt that ended with `error`, read from data only (codes, status, the
 * context), never from message text. The caller's abort or a passed overall deadline is a
 * cancellation whatever the error says (an attempt's own timeout at the deadline is not:
 * `classifyAttemptError`); a timeout before the deadline (the breaker's or the
 * per-try one) is the upstream's failure, unless it ran out before the request reached a
 * connection (`RequestTimeoutError.unsent`); errors raised inside the client are local
 * rejections; an error carrying a `statusCode` is judged by its status; anything else
 * (connect refused, reset, malformed response, unknown) is an upstream failure.
 */
export function classifyError(error: unknown, context?: OutcomeContext): OutcomeKind {
  if (context !== undefined) {
    if (context.signal?.aborted === true) return 'cancelled';
    if (context.deadline !== undefined && Date.now() >= context.deadline - DEADLINE_SLACK_MS)
      return 'cancelled';
    if (context.attemptSignal?.aborted === true) return 'upstream_failure';
  }
  if (typeof error !== 'object' || error === null) return 'upstream_failure';
  const { code, statusCode, name } = error as { code?: unknown; statusCode?: unknown; name?: unknown };
  if (typeof statusCode === 'number') return classifyStatus(statusCode, hasRetryAfter(error));
  if (typeof code === 'string') {
    if (LOCAL_CODES.has(code) || (code === 'SLIP_ERR_TIMEOUT' && isUnsent(error))) return 'local_rejection';
    if (ABORT_CODES.has(code)) return 'cancelled';
  }
  if (name === 'AbortError') return 'cancelled';
  return 'upstream_failure';
}

/**
 * The verdict on an attempt that ended with `error` on its way to or at an endpoint (what the
 * send step and the breaker around it see): `classifyError`, except that the attempt's own
 * timeout (`SLIP_ERR_TIMEOUT`: its per-try limit, or what was left of the overall deadline) is
 * the endpoint's failure even when it fired at the deadline — the endpoint held the request
 * until its time ran out, as Envoy charges a route timeout to the upstream host — unless it ran
 * out before the request reached a connection (`unsent`: it waited in the client's pool queue),
 * a local rejection. Only the caller's abort makes it a cancellation. An error raised around the attempts at the deadline
 * (no attempt may start, a pipeline step outlasted it) is still a cancellation (`classifyError`).
 */
export function classifyAttemptError(error: unknown, context?: OutcomeContext): OutcomeKind {
  if (context?.signal?.aborted !== true && isTimeout(error))
    return isUnsent(error) ? 'local_rejection' : 'upstream_failure';
  return classifyError(error, context);
}

/** Whether a timeout ran out while the request was still in the client (`RequestTimeoutError.unsent`). */
function isUnsent(error: unknown): boolean {
  return (error as { unsent?: unknown }).unsent === true;
}

/** Whether `error` is a Slipstream request timeout (read from its code). */
function isTimeout(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SLIP_ERR_TIMEOUT'
  );
}

/** Whether an error carries response headers with a `retry-after`. */
function hasRetryAfter(error: object): boolean {
  const headers = (error as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null && 'retry-after' in headers;
}

/**
 * Upstream-failure statuses a retry is not expected to cure (a deterministic server error): they
 * are charged to the endpoint like any upstream failure but retried only when a route lists
 * them in `retryOn`.
 */
const NOT_RETRIED_STATUS: ReadonlySet<number> = new Set([500, 501, 505]);

/**
 * Whether a retry may help after an attempt with this verdict (`retryOn`: statuses a route adds).
 * An error without a status that says of itself it is not retryable (`retryable: false`: a
 * certificate the client rejects, a non-idempotent request cut by a GOAWAY) is charged like any
 * upstream failure but not retried.
 */
export function isRetryableOutcome(
  kind: OutcomeKind,
  status?: number,
  retryOn?: readonly number[],
  error?: unknown,
): boolean {
  if (status !== undefined && retryOn?.includes(status) === true) return true;
  if (kind === 'upstream_failure' && status !== undefined && NOT_RETRIED_STATUS.has(status)) return false;
  if (status === undefined && declaresNotRetryable(error)) return false;
  return OUTCOME_EFFECTS[kind].retry;
}

/** Whether an error carries `retryable: false` (a `SlipstreamError`'s own judgement). */
function declaresNotRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false
  );
}
