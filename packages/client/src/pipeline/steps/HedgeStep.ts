import { RequestAbortedError } from '@slipstream/contracts';
import { HttpStreamResponse } from '@slipstream/http';
import type { Hedger, HedgerOptions, HedgeStats, RetryAttempt } from '@slipstream/resilience';
import type { ResolvedRoute, RoutePolicy } from '@slipstream/routing';
import { abandonStream, dump, hedgeView, type Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/** The hedge budget of a route (the retry policy's default budget). */
const HEDGE_BUDGET = Object.freeze({ ratio: 0.2, minPerSecond: 10 });

/**
 * hedge (a route's `policy.hedge`, idempotent requests, buffered or streamed): runs the rest of
 * the attempt, and after the route's delay a backup on another endpoint (the pick step prefers
 * endpoints the request is not on: with none left, the same one), each on its own view of
 * `x` with its own signal; the first answer (a stream's: its headers) wins and the others are
 * aborted (their pool requests cut, their slots freed, their outcome a cancellation). A stream
 * that lost after its headers arrived has its body destroyed and its endpoint's count ended. Fails
 * with the last failure when every attempt failed; a retry after that is hedged again. One
 * `Hedger` (delay estimate, budget) per route.
 */
export class HedgeStep<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'hedge';
  readonly #hedgers = new Map<string, { config: NonNullable<RoutePolicy['hedge']>; hedger: Hedger }>();

  /** `newHedger` builds a route's hedger (the client's `ClientFactories.hedger`). */
  constructor(private readonly newHedger: (options: HedgerOptions) => Hedger) {}

  handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    const hedger = this.#hedgerOf(x.route!, x.hedge!);
    const attempt = x.attempt;
    const busy = new Set<string>(attempt?.excluded);
    // Every endpoint the attempt went to is excluded from the next one when all of them failed.
    if (attempt) attempt.endpoints = busy;
    // A stream's response held from the attempt before (a retry) goes before this one's.
    dump(x);
    let won = false;
    return hedger.execute(
      async (signal, index) => {
        const own: RetryAttempt = { attempt: attempt?.attempt ?? 0, excluded: busy, signal };
        const view = hedgeView(x, signal, index, own);
        // The pick step chose the endpoint before `next` returned: later hedges avoid it.
        const pending = next(view);
        busy.add(view.endpoint);
        if (index === 0 && attempt) attempt.endpoint = view.endpoint;
        let response: R;
        try {
          response = await pending;
        } catch (error) {
          // A stream that had its headers when the attempt failed above its send step.
          abandonStream(view);
          if (won) {
            dump(view);
            throw error;
          }
          // The hedger rejects with the last failure: the request keeps that one's verdict and held stream.
          dump(x);
          x.held = view.held;
          x.outcome = view.outcome;
          x.attemptError = error;
          if (attempt) attempt.outcome = view.outcome;
          throw error;
        }
        if (won) {
          if (response instanceof HttpStreamResponse) abandonStream(view, response);
          throw new RequestAbortedError('another attempt answered first');
        }
        won = true;
        winOn(x, view);
        return response;
      },
      { idempotent: true, signal: x.signal },
    );
  }

  /** Per hedging route (by id), what its hedger measured. */
  stats(): Record<string, HedgeStats> {
    return Object.fromEntries([...this.#hedgers].map(([id, h]) => [id, h.hedger.stats()]));
  }

  /** The hedger of a route's hedging policy (a new one when the policy changed). */
  #hedgerOf(route: ResolvedRoute, config: NonNullable<RoutePolicy['hedge']>): Hedger {
    const known = this.#hedgers.get(route.id);
    if (known?.config === config) return known.hedger;
    const hedger = this.newHedger({
      delayMs: config.delayMs,
      percentile: config.quantile,
      maxExtra: config.maxExtra,
      // Budgeted like retries: 20 % of requests plus 10 per second.
      budget: HEDGE_BUDGET,
    });
    this.#hedgers.set(route.id, { config, hedger });
    return hedger;
  }
}

/** `view` answered first: the request takes its verdict, endpoint and, for a stream, what its body's end needs. */
function winOn(x: Exchange, view: Exchange): void {
  x.outcome = view.outcome;
  x.endpoint = view.endpoint;
  x.respondedAt = view.respondedAt;
  x.bodyFrom = view.bodyFrom;
  x.bodyRttMs = view.bodyRttMs;
  x.bodyCut = view.bodyCut;
}
