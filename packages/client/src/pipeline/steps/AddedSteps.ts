import { RequestAbortedError, RequestTimeoutError, SlipstreamError } from '@slipstream/contracts';
import { HttpStreamResponse } from '@slipstream/http';
import { PipelineStepError } from '../../errors/PipelineStepError';
import { abandonStream, type Exchange } from '../Exchange';
import { composeSteps, type PipelineResponse, type PipelineStep } from '../PipelineStep';

/**
 * The steps a container module or `createNetworkClient` added, as one link of the chain (in it
 * only when there are any). It keeps their failures apart from the rest of the attempt's: an
 * error that came back from `next`, or a `SlipstreamError` a step raised (it chose its code),
 * passes through as it is; any other error a step raised becomes a `PipelineStepError` (a local
 * rejection: no endpoint blamed, not retried), and so does a stream answered to `request()`; a
 * buffered answer to `stream()` is handed on as a stream. The steps run within the request's deadline and the caller's signal,
 * which nothing else bounds before the breaker: a step that never settles ends the request with
 * `RequestTimeoutError` / `RequestAbortedError`.
 */
export class AddedSteps<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'added steps';
  private chain: ((x: Exchange) => Promise<R>) | undefined;

  constructor(
    private readonly steps: readonly PipelineStep<Exchange, R>[],
    /** Whether the chain is `stream()`'s. */
    private readonly stream: boolean,
  ) {}

  async handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    this.chain ??= composeSteps(this.steps, async (ctx) => {
      try {
        const response = await next(ctx);
        if (response instanceof HttpStreamResponse) ctx.downstreamStream = response;
        return response;
      } catch (err) {
        ctx.downstreamError = err;
        throw err;
      }
    });
    x.downstreamError = undefined;
    x.downstreamStream = undefined;
    let response: R;
    try {
      response = await withinRequest(x, this.chain(x));
    } catch (err) {
      // A stream that had its headers when a step failed, or the request's deadline or signal cut
      // it (a stream that arrives after that is let go of by `withinRequest`).
      abandonStream(x, x.downstreamStream);
      // The rest of the chain's errors, and a step's own SlipstreamError (it chose its code), pass as they are.
      if (err === x.downstreamError || err instanceof SlipstreamError) throw err;
      throw new PipelineStepError(`a pipeline step failed: ${describe(err)}`, { cause: err });
    }
    // A step that answered with something else than the stream the rest of the chain gave it.
    if (x.downstreamStream !== undefined && response !== x.downstreamStream)
      abandonStream(x, x.downstreamStream);
    if (response instanceof HttpStreamResponse) {
      if (this.stream) return response;
      response.body.destroy();
      throw new PipelineStepError('a pipeline step answered a buffered request() with a stream');
    }
    // A step may answer `stream()` without sending (a cache, a stub) with a buffered response.
    return (this.stream ? HttpStreamResponse.of(response) : response) as R;
  }
}

/**
 * `work`, cut short by the request's deadline or the caller's signal (whichever comes first). A
 * stream that `work` yields after that is abandoned (`abandonStream`).
 */
function withinRequest<T>(x: Exchange, work: Promise<T>): Promise<T> {
  const signal = x.signal;
  const remaining = x.remainingMs();
  if (signal === undefined && remaining === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(() => {
            done();
            reject(new RequestTimeoutError('the request deadline passed in a pipeline step'));
          }, remaining);
    const onAbort = (): void => {
      done();
      reject(new RequestAbortedError('the request was aborted by the caller', { cause: signal?.reason }));
    };
    let cut = false;
    const done = (): void => {
      cut = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    work.then(
      (value) => {
        if (cut && value instanceof HttpStreamResponse) abandonStream(x, value);
        done();
        resolve(value);
      },
      (err: Error) => {
        done();
        reject(err);
      },
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
