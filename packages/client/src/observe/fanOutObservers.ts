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

/** What the fan-out answers when every observation of a request is inert. */
const INERT: RequestObservation = Object.freeze({
  addsHeaders: false,
  inert: true,
  admitted: () => undefined,
  attemptStarted: () => NO_ATTEMPT_WORK,
  finished: () => undefined,
});
const NO_ATTEMPT_WORK: AttemptObservation = Object.freeze({ finished: () => undefined });

/**
 * The one observer the pipeline calls for `observers`: undefined for none (the pipeline then
 * does no observer work at all), the observer itself for one, a fan-out for several. The
 * fan-out leaves out the observations that are `inert` (an untraced request's): it answers the
 * only one left as it is (unless that would change whether its attempts get a copy of the
 * headers to add to), an inert observation when none is left.
 */
export function fanOutObservers(observers: readonly RequestObserver[]): RequestObserver | undefined {
  if (observers.length === 0) return undefined;
  if (observers.length === 1) return observers[0];
  const addsHeaders = observers.some((o) => o.addsHeaders === true);
  return {
    addsHeaders,
    requestStarted: (request: ObservedRequest): RequestObservation => {
      let live: RequestObservation | undefined;
      let liveIndex = -1;
      let several: RequestObservation[] | undefined;
      let severalObservers: RequestObserver[] | undefined;
      for (let i = 0; i < observers.length; i++) {
        const observation = observers[i]!.requestStarted(request);
        if (observation.inert === true) continue;
        if (live === undefined) {
          live = observation;
          liveIndex = i;
        } else if (several === undefined) {
          several = [live, observation];
          severalObservers = [observers[liveIndex]!, observers[i]!];
        } else {
          several.push(observation);
          severalObservers!.push(observers[i]!);
        }
      }
      if (several !== undefined) return new FanOutObservation(several, severalObservers!);
      if (live === undefined) return INERT;
      // The pipeline copies the headers for an observation that does not say it adds none when any observer adds some.
      const observer = observers[liveIndex]!;
      return observer.addsHeaders === true || live.addsHeaders === false || !addsHeaders
        ? live
        : new FanOutObservation([live], [observer]);
    },
  };
}
