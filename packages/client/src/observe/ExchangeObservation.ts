import type {
  AttemptObservation,
  ObservedOutcome,
  ObservedRequest,
  OutcomeKind,
  RequestObservation,
  RequestObserver,
} from '@slipstream/contracts';
import { BrokenCircuitError, ClientClosedError, NoHealthyEndpointError } from '@slipstream/contracts';
import { classifyError } from '@slipstream/monitor';

/** What the observer hook reads of a response. */
interface ObservedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  bytesOutWire: number;
  bytesInWire: number;
}

/**
 * The outcome kind of an answer or an error: 429 and 503 with `retry-after` are overload, other
 * 5xx and transport failures the endpoint's, 4xx the request's; refusals inside the client
 * (shed, open circuit, no healthy endpoint, closed) local; aborts cancelled.
 */
export function outcomeKindOf(response: ObservedResponse | undefined, error: unknown): OutcomeKind {
  if (response !== undefined) {
    const status = response.statusCode;
    if (status === 429 || (status === 503 && response.headers['retry-after'] !== undefined))
      return 'upstream_overload';
    if (status >= 500) return 'upstream_failure';
    if (status >= 400) return 'client_error';
    return 'success';
  }
  if (BrokenCircuitError.is(error) || NoHealthyEndpointError.is(error) || ClientClosedError.is(error))
    return 'local_rejection';
  switch (classifyError(error)) {
    case 'shed':
    case 'breakerOpen':
      return 'local_rejection';
    case 'aborted':
      return 'cancelled';
    default:
      return 'upstream_failure';
  }
}

function observedOutcome(response: ObservedResponse | undefined, error: unknown): ObservedOutcome {
  const outcome: ObservedOutcome = { outcome: outcomeKindOf(response, error) };
  if (response !== undefined) outcome.status = response.statusCode;
  if (error !== undefined) outcome.error = error;
  return outcome;
}

/** One attempt as the bound observers watch it: the headers to send, and its end. */
export class AttemptWatch {
  constructor(
    /** The request's headers with what the observers added (`traceparent`, ...). */
    readonly headers: Record<string, string>,
    private readonly observations: AttemptObservation[],
  ) {}

  /** The attempt ended with `response` or `error`; every observer learns it once. */
  finished(response: ObservedResponse | undefined, error: unknown): OutcomeKind {
    const outcome = observedOutcome(response, error);
    for (const o of this.observations) o.finished(outcome);
    return outcome.outcome;
  }
}

/**
 * The pipeline's hook into the `TOKENS.RequestObserver`s: one per observed request, fanning each
 * step out to every observer. Only built when observers are bound, so an unobserved request
 * does no observer work.
 */
export class ExchangeObservation {
  private readonly observations: RequestObservation[];
  private attempts = 0;
  private lastOutcome: OutcomeKind | undefined;

  constructor(observers: readonly RequestObserver[], request: ObservedRequest) {
    this.observations = observers.map((o) => o.requestStarted(request));
  }

  /** Admitted after `queueWaitMs` in the QoS queue. */
  admitted(queueWaitMs: number): void {
    for (const o of this.observations) o.admitted(queueWaitMs);
  }

  /** An attempt on `endpoint` is about to be sent with `headers` (copied, then added to by the observers). */
  attemptStarted(endpoint: string, headers: Record<string, string> | undefined): AttemptWatch {
    this.attempts += 1;
    const attempt = this.attempts;
    const observed =
      attempt === 1
        ? { attempt, endpoint, reason: 'first' as const }
        : { attempt, endpoint, reason: 'retry' as const, retryOf: this.lastOutcome };
    const sent = { ...headers };
    const watches = this.observations.map((o) => o.attemptStarted(observed, sent));
    return new AttemptWatch(sent, watches);
  }

  /** Remembers how the last attempt ended (the `retryOf` of the next). */
  attemptEnded(outcome: OutcomeKind): void {
    this.lastOutcome = outcome;
  }

  /** The request is over; every observer learns its result once. */
  finished(
    response: ObservedResponse | undefined,
    error: unknown,
    durationMs: number,
    endpoint: string | undefined,
  ): void {
    const result = {
      ...observedOutcome(response, error),
      durationMs,
      attempts: this.attempts,
      endpoint,
      bytesOutWire: response?.bytesOutWire,
      bytesInWire: response?.bytesInWire,
    };
    for (const o of this.observations) o.finished(result);
  }
}
