import type { HttpRequest, HttpRequestOptions, HttpStreamResponse, PoolManager } from '@slipstream/http';
import { classifyStatus } from '@slipstream/resilience';
import { UpstreamResponseError } from '../../errors/UpstreamResponseError';
import { attemptEnded } from '../attemptEvents';
import { cutOnAbort } from '../BodyCut';
import { dump, failsAttempt, type Exchange } from '../Exchange';
import { sendOnPool } from '../sendOnPool';

/**
 * send (`stream()`): one attempt streamed from the picked endpoint's pool, settled at the
 * headers. A response the retry step may act on throws (held on `x` until the retry policy
 * decides, dumped when it retries); any other is returned, and the endpoint learns the verdict,
 * with the time to the headers, when the body is over (a body that breaks off counts against
 * it). The caller's signal still cuts the body after the breaker's call has ended.
 */
export class StreamSendStep {
  readonly name = 'send';
  private readonly stream: (request: HttpRequest, options: HttpRequestOptions) => Promise<HttpStreamResponse>;

  constructor(
    pool: PoolManager,
    private readonly observersAddHeaders: boolean,
  ) {
    this.stream = pool.stream.bind(pool);
  }

  readonly send = (x: Exchange): Promise<HttpStreamResponse> => {
    dump(x);
    x.respondedAt = 0;
    return sendOnPool(x, this.observersAddHeaders, this.stream, true, learnStream);
  };
}

/**
 * The attempt's headers arrived: one the retry step may act on is learned at once and throws,
 * held; any other is kept for the end of its body, which the endpoint learns then.
 */
function learnStream(x: Exchange, response: HttpStreamResponse): HttpStreamResponse {
  const endpoint = x.picked!;
  x.respondedAt = performance.now();
  // The upstream's time: what the request spent waiting for a connection was the client's.
  const rttMs = x.respondedAt - x.sentAt - response.queuedMs;
  const status = response.statusCode;
  const outcome = classifyStatus(status, 'retry-after' in response.headers);
  if (failsAttempt(outcome, status, x.retryOn)) {
    attemptEnded(x, endpoint, rttMs, outcome, status, undefined);
    x.held = response;
    throw new UpstreamResponseError(response);
  }
  x.outcome = outcome;
  x.permit?.sample({ rttMs, dropped: false, endpoint: endpoint.origin });
  x.attemptObservation?.finished({ outcome, status });
  x.attemptObservation = undefined;
  // The caller's signal (a hedged attempt's own one is aborted when another attempt wins).
  const callerSignal = x.root.signal;
  x.bodyCut = callerSignal && cutOnAbort(response, callerSignal);
  // `stream()` hands the endpoint the body's end (`bodyEnded`), in the one reaction to `ended` it has.
  x.bodyFrom = endpoint;
  x.bodyRttMs = rttMs;
  return response;
}
