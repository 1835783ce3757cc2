import { RequestTimeoutError } from '@slipstream/contracts';
import type { HttpRequest, HttpRequestOptions } from '@slipstream/http';
import { attemptEnded, attemptStarted } from './attemptEvents';
import { attemptErrorOutcome, type Exchange } from './Exchange';

/**
 * Sends the attempt under way (`x.picked`, `x.attemptSignal`) with `send` (the pool's `request`
 * or `stream`): the endpoint and the observers learn it started, `x.sentAt` is when it left. An
 * attempt that gets no response is classified from its error and learned, and the error thrown.
 * Resolves with what `then` (the send step's handling of a response) makes of the response, in
 * the same async step (awaiting this and then handling it would cost every request a promise and
 * a turn of the microtask queue); a `then` that throws is not the attempt's error.
 */
export async function sendOnPool<R>(
  x: Exchange,
  observersAddHeaders: boolean,
  send: (request: HttpRequest, options: HttpRequestOptions) => Promise<R>,
  stream: boolean,
  then: (x: Exchange, response: R) => R,
): Promise<R> {
  // Its time spent waiting in the client (admission, a slow step): nothing is sent after the deadline, least of
  // all a request that is not idempotent, whose caller is told it timed out.
  if (x.deadline !== undefined && Date.now() >= x.deadline)
    throw new RequestTimeoutError('the deadline passed before the request was sent', undefined, true);
  const endpoint = x.picked!;
  const signal = x.attemptSignal!;
  x.balancer.onStart(endpoint);
  attemptStarted(x, endpoint, observersAddHeaders);
  const sent = performance.now();
  x.sentAt = sent;
  let response: R;
  try {
    response = await send(x.poolRequest(endpoint), x.poolOptions(signal, stream));
  } catch (error) {
    attemptEnded(
      x,
      endpoint,
      performance.now() - sent,
      attemptErrorOutcome(x, signal, error),
      undefined,
      error,
    );
    throw error;
  }
  return then(x, response);
}
