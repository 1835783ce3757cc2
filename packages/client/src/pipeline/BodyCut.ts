import { RequestAbortedError } from '@slipstream/contracts';
import type { HttpStreamResponse } from '@slipstream/http';

/**
 * Destroys `response`'s body with a `RequestAbortedError` when `signal` aborts (the breaker's
 * call, which followed the signal until the headers, is over by then). `stop()` it when the body
 * is over: a long-lived caller signal keeps no listener per finished stream. The listener is the
 * object itself (`handleEvent`): no closures per stream.
 *
 * `stop()` also lets go of the response. Measured on Node 20: what a listener object still holds
 * after it was removed from an AbortSignal survives young-generation collections (it is promoted
 * to the old generation) — here the whole request: response, body, pool task. In the sidecar,
 * where every request listens to its connection's signal, that made scavenges several times as
 * costly (1.6 MB promoted per scavenge instead of 0.1 MB).
 */
export class BodyCut {
  private response: HttpStreamResponse | undefined;

  constructor(
    response: HttpStreamResponse,
    private readonly signal: AbortSignal,
  ) {
    this.response = response;
  }

  /** The signal aborted: cut the body. */
  handleEvent(): void {
    this.response?.body.destroy(
      new RequestAbortedError('the request was aborted by the caller', { cause: this.signal.reason }),
    );
  }

  /** Stops listening to the signal and lets go of the response. */
  stop(): void {
    this.signal.removeEventListener('abort', this);
    this.response = undefined;
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
