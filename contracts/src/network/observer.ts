import type { OutcomeKind } from './outcome';

/** What a request observer learns when a logical request enters the pipeline (after routing). */
export interface ObservedRequest {
  method: string;
  /** The request path with its query, as sent upstream. */
  path: string;
  cluster: string;
  /** The matched route's id, or `''` when none matched. */
  route: string;
  qosClass: string;
  /** `request`, `stream` or `batch` (a JSON-RPC batch sent by the batcher). */
  kind: 'request' | 'stream' | 'batch';
}

/** One attempt of a request on one endpoint. */
export interface ObservedAttempt {
  /** 1 for the first attempt, counting retries and hedges. */
  attempt: number;
  /** The endpoint's origin, `scheme://host:port`. */
  endpoint: string;
  /** Why this attempt exists. */
  reason: 'first' | 'retry' | 'hedge';
  /** For a retry: the outcome kind of the attempt it replaces. */
  retryOf?: OutcomeKind;
}

/** How an attempt or a request ended: the classifier's verdict with what it was made from. */
export interface ObservedOutcome {
  outcome: OutcomeKind;
  /** The response status, when a response arrived. */
  status?: number;
  /** The error, when the attempt or request failed with one. */
  error?: unknown;
}

/** The final account of a logical request. */
export interface ObservedResult extends ObservedOutcome {
  /** Time from entering the pipeline to completion (a stream: to its body's end), ms. */
  durationMs: number;
  /** Attempts made, retries and hedges included. */
  attempts: number;
  /** The endpoint that gave the final answer, when one did. */
  endpoint?: string;
  /** Request body bytes as sent / response body bytes as received, when known. */
  bytesOutWire?: number;
  bytesInWire?: number;
}

/** Per-attempt hooks, returned by `RequestObservation.attemptStarted`; `finished` is called exactly once. */
export interface AttemptObservation {
  finished(outcome: ObservedOutcome): void;
}

/** Per-request hooks, returned by `RequestObserver.requestStarted`. Each method is called at most once, `finished` exactly once. */
export interface RequestObservation {
  /** The request was admitted by the QoS scheduler after `queueWaitMs` in its queue. */
  admitted(queueWaitMs: number): void;
  /**
   * Whether this request's attempts may have headers added, when its observer `addsHeaders`:
   * false lets the pipeline hand it the request's own headers, to read only, and spare the
   * copy per attempt (a request the observer does not trace). Defaults to true.
   */
  readonly addsHeaders?: boolean;
  /**
   * True when none of its methods does anything (a request its observer does not watch, such as
   * one a tracer without an SDK does not trace): the pipeline may skip it altogether. Defaults
   * to false.
   */
  readonly inert?: boolean;
  /** An attempt is about to be sent; `headers` may be added to before it goes when the observer `addsHeaders`. */
  attemptStarted(attempt: ObservedAttempt, headers: Record<string, string>): AttemptObservation;
  finished(result: ObservedResult): void;
}

/**
 * Watches requests through the pipeline (tracing, access logs, metrics exporters). Registered
 * observers are called synchronously on the request path and must not throw or block; with none
 * registered the pipeline does no observer work at all. Bound in the container under
 * `TOKENS.RequestObserver` (multi-injection: every bound observer is called).
 */
export interface RequestObserver {
  /**
   * Whether its observations add headers to an attempt (`attemptStarted`): then each attempt
   * gets a copy of the request's headers to add to. Defaults to false: observers are handed the
   * request's own headers, to read only.
   */
  readonly addsHeaders?: boolean;
  requestStarted(request: ObservedRequest): RequestObservation;
}
