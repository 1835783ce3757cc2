import type { HttpRequest, HttpRequestOptions, HttpResponse, PoolManager } from '@slipstream/http';
import { classifyAttemptError, classifyResponse as classifyResponseExport } from '@slipstream/resilience';
import { UpstreamResponseError } from '../../errors/UpstreamResponseError';
import { attemptEnded } from '../attemptEvents';
import { failsAttempt, type Exchange } from '../Exchange';
import { sendOnPool } from '../sendOnPool';

/**
 * Read once here: a package's index re-exports its members through getters (the CommonJS output
 * of tsc and esbuild), and reading one per request through its import costs ~15–30 ns a time
 * (measured under tsx, Node 20), several times per request.
 */
const classifyResponse = classifyResponseExport;

/**
 * send (`request()`): one attempt on the picked endpoint's pool, within the route's per-try
 * timeout. The attempt is classified once and the endpoint and the limiter learn the verdict. A
 * response the retry step may act on (an upstream failure or overload, a status in the route's
 * `retryOn`) throws `UpstreamResponseError`, so the breaker and the retry step see it fail.
 */
export class SendStep {
  readonly name = 'send';
  private readonly request: (request: HttpRequest, options: HttpRequestOptions) => Promise<HttpResponse>;

  constructor(
    pool: PoolManager,
    private readonly observersAddHeaders: boolean,
  ) {
    this.request = pool.request.bind(pool);
  }

  readonly send = (x: Exchange): Promise<HttpResponse> =>
    sendOnPool(x, this.observersAddHeaders, this.request, false, learnResponse);
}

/**
 * The attempt's response arrived: the attempt is classified and learned; one the retry step may
 * act on throws. A 2xx whose body the exchange's `checkBody` refuses fails the attempt with the
 * check's error, an upstream failure (the breaker, the endpoint and the retry step see it as such).
 */
function learnResponse(x: Exchange, response: HttpResponse): HttpResponse {
  const status = response.statusCode;
  // The upstream's time: what the request spent waiting for a connection was the client's.
  const rttMs = performance.now() - x.sentAt - response.queuedMs;
  if (x.checkBody !== undefined && status >= 200 && status <= 299) {
    try {
      x.checkBody(response);
    } catch (error) {
      attemptEnded(x, x.picked!, rttMs, classifyAttemptError(error), status, error);
      throw error;
    }
  }
  const outcome = classifyResponse(status, response.headers);
  attemptEnded(x, x.picked!, rttMs, outcome, status, undefined);
  if (failsAttempt(outcome, status, x.retryOn)) throw new UpstreamResponseError(response);
  return response;
}
