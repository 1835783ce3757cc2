import type { Hedger, HedgerOptions, HedgeStats, RetryAttempt } from '@slipstream/resilience';
import type { ResolvedRoute, RoutePolicy } from '@slipstream/routing';
import { hedgeView, type Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/** The hedge budget of a route (the retry policy's default budget). */
const HEDGE_BUDGET = Object.freeze({ ratio: 0.2, minPerSecond: 10 });

/**
 * hedge (a route's `policy.hedge`, idempotent requests): runs the rest of the attempt, and
 * after the route's delay a backup on another endpoint, each on its own view of `x` with its
 * own signal; the first answer wins and the others are aborted (their pool requests cut, their
 * slots freed, their outcome a cancellation). Fails with the last failure when every attempt
 * failed; a retry after that is hedged again. One `Hedger` (delay estimate, budget) per route.
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
    return hedger.execute(
      async (signal, index) => {
        const own: RetryAttempt = { attempt: attempt?.attempt ?? 0, excluded: busy, signal };
        const view = hedgeView(x, signal, index, own);
        // The pick step chose the endpoint before `next` returned: later hedges avoid it.
        const pending = next(view);
        busy.add(view.endpoint);
        if (index === 0 && attempt) attempt.endpoint = view.endpoint;
        try {
          const response = await pending;
          x.outcome = view.outcome;
          x.endpoint = view.endpoint;
          return response;
        } catch (error) {
          x.outcome = view.outcome;
          x.attemptError = error;
          if (attempt) attempt.outcome = view.outcome;
          throw error;
        }
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
