import { RequestAbortedError } from '@slipstream/contracts';
import type { HttpStreamResponse } from '@slipstream/http';

/**
 * Destroys `response`'s body with a `RequestAbortedError` when `signal` aborts (the breaker's
 * call, which followed the signal until the headers, is over by then). `stop()` it when the body
 * is over: a long-lived caller signal keeps no listener per finished stream. The listener is the
 * object itself (`handleEvent`): no closures per stream.
 */
export class BodyCut {
  constructor(
    private readonly response: HttpStreamResponse,
    private readonly signal: AbortSignal,
  ) {}

  /** The signal aborted: cut the body. */
  handleEvent(): void {
    this.response.body.destroy(
      new RequestAbortedError('the request was aborted by the caller', { cause: this.signal.reason }),
    );
  }

  /** Stops listening to the signal. */
  stop(): void {
    this.signal.removeEventListener('abort', this);
  }
}

/** Cuts `response`'s body when `signal` aborts (at once when it has); undefined when it already did. */
export function cutOnAbort(response: HttpStreamResponse, signal: AbortSignal): BodyCut | undefined {
  const cut = new BodyCut(response, signal);
  if (signal.aborted) {
    cut.handleEvent();
    return undefined;
  }
  signal.addEventListener('abort', cut);
  return cut;
}
