import type { OutcomeKind } from '@slipstream/contracts';
import type { EndpointState } from '@slipstream/balancer';
import { OUTCOME_EFFECTS } from '@slipstream/resilience';
import { copyHeaders, type Exchange } from './Exchange';

/**
 * An attempt leaves for `endpoint`: it is counted and, with observers, they are told (with a
 * copy of the attempt's headers when one of them adds to them and the request's observation does
 * not say it will not, else with the headers as they are).
 */
export function attemptStarted(x: Exchange, endpoint: EndpointState, observersAddHeaders: boolean): void {
  const root = x.root;
  root.attempts = root.attempts + 1;
  const observation = x.observation;
  if (observation === undefined) return;
  let headers: Record<string, string>;
  if (observersAddHeaders && observation.addsHeaders !== false) {
    headers = copyHeaders(x.attemptHeaders ?? x.req.headers);
    x.attemptHeaders = headers;
  } else {
    headers = x.headers;
  }
  const n = root.attempts;
  x.attemptObservation = observation.attemptStarted(
    x.hedgeIndex > 0
      ? { attempt: n, endpoint: endpoint.origin, reason: 'hedge' }
      : n === 1
        ? { attempt: 1, endpoint: endpoint.origin, reason: 'first' }
        : { attempt: n, endpoint: endpoint.origin, reason: 'retry', retryOf: root.outcome },
    headers,
  );
}

/**
 * One attempt is over with `outcome` (the classifier's verdict): the retry step, the endpoint
 * (latency estimate, outlier detection) and the limiter learn it, each as `OUTCOME_EFFECTS` says.
 */
export function attemptEnded(
  x: Exchange,
  endpoint: EndpointState,
  rttMs: number,
  outcome: OutcomeKind,
  status: number | undefined,
  error: unknown,
): void {
  x.outcome = outcome;
  x.attemptError = error;
  if (x.attempt) x.attempt.outcome = outcome;
  x.attemptObservation?.finished({ outcome, status, error });
  x.attemptObservation = undefined;
  const effects = OUTCOME_EFFECTS[outcome];
  x.balancer.onEnd(endpoint, { rttMs, effect: effects.endpoint });
  if (effects.limiter !== 'ignore')
    x.permit?.sample({ rttMs, dropped: effects.limiter === 'drop', endpoint: endpoint.origin });
}
