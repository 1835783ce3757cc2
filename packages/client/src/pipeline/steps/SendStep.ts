import type { HttpResponse, PoolManager } from '@slipstream/http';
import { classifyStatus } from '@slipstream/resilience';
import { UpstreamResponseError } from '../../errors/UpstreamResponseError';
import { attemptEnded, attemptStarted } from '../attemptEvents';
import { attemptErrorOutcome, failsAttempt, type Exchange } from '../Exchange';

/**
 * send (`request()`): one attempt on the picked endpoint's pool, within the route's per-try
 * timeout. The attempt is classified once and the endpoint and the limiter learn the verdict. A
 * response the retry step may act on (an upstream failure or overload, a status in the route's
 * `retryOn`) throws `UpstreamResponseError`, so the breaker and the retry step see it fail.
 */
export class SendStep {
  readonly name = 'send';

  constructor(
    private readonly pool: PoolManager,
    private readonly observersAddHeaders: boolean,
  ) {}

  readonly send = async (x: Exchange): Promise<HttpResponse> => {
    const endpoint = x.picked!;
    const signal = x.attemptSignal!;
    x.balancer.onStart(endpoint);
    attemptStarted(x, endpoint, this.observersAddHeaders);
    const sent = performance.now();
    let response: HttpResponse;
    try {
      response = await this.pool.request(x.poolRequest(endpoint), x.poolOptions(signal, false));
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
    const status = response.statusCode;
    const outcome = classifyStatus(status, 'retry-after' in response.headers);
    attemptEnded(x, endpoint, performance.now() - sent, outcome, status, undefined);
    if (failsAttempt(outcome, status, x.retryOn)) throw new UpstreamResponseError(response);
    return response;
  };
}
