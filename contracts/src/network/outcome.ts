/**
 * The closed set of outcomes every finished attempt (and every finished request) is classified
 * into, once, by the pipeline's outcome classifier. Every learner — circuit breaker, outlier
 * detection, peak EWMA, the concurrency limiter, the retry policy and the monitor — reads this
 * verdict and nothing else. Only `upstream_failure` and `upstream_overload` are ever charged to
 * an endpoint. The names are snake_case so that they serve as Prometheus label values as they are.
 */
export type OutcomeKind =
  /** A 1xx–3xx answer (or a 2xx JSON-RPC batch). */
  | 'success'
  /** The endpoint failed: 5xx other than overload, connect refused/reset, per-try timeout, malformed response. */
  | 'upstream_failure'
  /** The endpoint said it is overloaded: 429, or 503 with `retry-after`. */
  | 'upstream_overload'
  /** A 4xx answer other than 429: the request's fault, not the endpoint's. */
  | 'client_error'
  /** Refused inside the client before reaching an upstream: queue full, queue timeout, shed, open circuit. */
  | 'local_rejection'
  /** The caller aborted, or its overall deadline passed: nobody's fault. */
  | 'cancelled';

/** Every outcome kind, in a stable order (for tables, label sets and tests). */
export const OUTCOME_KINDS: readonly OutcomeKind[] = Object.freeze([
  'success',
  'upstream_failure',
  'upstream_overload',
  'client_error',
  'local_rejection',
  'cancelled',
]);
