import type {
  AttemptObservation,
  ObservedAttempt,
  ObservedOutcome,
  ObservedRequest,
  ObservedResult,
  RequestObservation,
  RequestObserver,
} from '@slipstream/contracts';

/** The observations of one request by several observers, called in their order. */
class FanOutObservation implements RequestObservation {
  /** Whether any observation adds headers (its observer `addsHeaders` and it does not say it will not). */
  readonly addsHeaders: boolean;

  constructor(
    private readonly observations: readonly RequestObservation[],
    observers: readonly RequestObserver[],
  ) {
    this.addsHeaders = observations.some(
      (o, i) => observers[i]!.addsHeaders === true && o.addsHeaders !== false,
    );
  }

  admitted(queueWaitMs: number): void {
    for (const o of this.observations) o.admitted(queueWaitMs);
  }

  attemptStarted(attempt: ObservedAttempt, headers: Record<string, string>): AttemptObservation {
    const attempts = this.observations.map((o) => o.attemptStarted(attempt, headers));
    return {
      finished(outcome: ObservedOutcome): void {
        for (const a of attempts) a.finished(outcome);
      },
    };
  }

  finished(result: ObservedResult): void {
    for (const o of this.observations) o.finished(result);
  }
}

/**
 * The one observer the pipeline calls for `observers`: undefined for none (the pipeline then
 * does no observer work at all), the observer itself for one, a fan-out for several.
 */
export function fanOutObservers(observers: readonly RequestObserver[]): RequestObserver | undefined {
  if (observers.length === 0) return undefined;
  if (observers.length === 1) return observers[0];
  return {
    addsHeaders: observers.some((o) => o.addsHeaders === true),
    requestStarted: (request: ObservedRequest) =>
      new FanOutObservation(
        observers.map((o) => o.requestStarted(request)),
        observers,
      ),
  };
}
