import type { ClientRequest } from '../ClientRequest';
import type { HttpResponse, HttpStreamResponse } from '@slipstream/http';

/**
 * What a pipeline step sees of one attempt of a request. Steps added through
 * `TOKENS.PipelineStep` run once per attempt (retries and hedges included), after the balancer
 * picked the attempt's endpoint and before its circuit breaker.
 */
export interface StepContext {
  readonly method: string;
  readonly path: string;
  /** The request as the caller gave it (its headers are the caller's: add to the attempt's with `setHeader`). */
  readonly req: ClientRequest;
  /** The attempt's headers: the request's and those steps or observers added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cluster: string;
  /** The id of the route the request matched; undefined when it matched none. */
  readonly routeId: string | undefined;
  readonly qosClass: string;
  /** The origin of the endpoint the attempt goes to (`'(none)'` before the pick). */
  readonly endpoint: string;
  /**
   * Sets a header on this attempt's request only (the caller's headers object is not touched),
   * replacing one of the same name in any case. Checked as the caller's headers are: a name that
   * is not a token or is connection-specific, or a value with CR, LF or another control, throws
   * `InvalidRequestError` and the attempt is not sent.
   */
  setHeader(name: string, value: string): void;
}

/**
 * A response as the pipeline hands it on: buffered (`request()`), or with its body as a stream
 * (`stream()`). A step that answers without calling `next` may answer a `stream()` with a buffered
 * response: `stream()` hands it over as a stream (`HttpStreamResponse.of`).
 */
export type PipelineResponse = HttpResponse | HttpStreamResponse;

/**
 * One step of the request pipeline: it does its part around `next`, the rest of the chain,
 * passing on the context it was given (or, for a hedge, a view of it). Every built-in step
 * (admit, retry, hedge, pick, breaker, send) implements it, and so does a step a container
 * module adds (`TOKENS.PipelineStep`, multi-bound: each bound step, in binding order).
 */
export interface PipelineStep<C = StepContext, R = PipelineResponse> {
  /** Shown in errors and logs. */
  readonly name: string;
  handle(ctx: C, next: (ctx: C) => Promise<R>): Promise<R>;
}

/**
 * Composes `steps` around `last` into one function, once: calling it allocates nothing for the
 * chain itself (each link is a closure made here).
 */
export function composeSteps<C, R>(
  steps: readonly PipelineStep<C, R>[],
  last: (ctx: C) => Promise<R>,
): (ctx: C) => Promise<R> {
  let next = last;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    const inner = next;
    next = (ctx) => step.handle(ctx, inner);
  }
  return next;
}
