import type { Cluster } from '../src/Cluster';
import type { EndpointState, RequestOutcome } from '../src/EndpointState';

/** A simulated clock a cluster reads through `deps.now`. */
export interface SimClock {
  now: number;
}

/** How a simulated load runs. */
export interface SimulationOptions {
  /** Requests in all. */
  requests: number;
  /** Requests in flight at once (closed loop). */
  concurrency: number;
  /** Requests at the start not counted in the result. */
  warmup: number;
  /** The outcome of a request to an origin (latency and effect). */
  outcome: (origin: string) => RequestOutcome;
}

/**
 * Drives a cluster with a closed-loop load on a simulated clock: each completion advances
 * the clock to its end time and starts the next request. Returns picks per origin after
 * warm-up. Bounded by `requests`; no real time passes.
 */
export function simulateLoad(
  cluster: Cluster,
  clock: SimClock,
  options: SimulationOptions,
): Map<string, number> {
  const counts = new Map<string, number>();
  const inFlight: Array<{ endsAt: number; endpoint: EndpointState; outcome: RequestOutcome }> = [];
  let started = 0;
  const startOne = (): void => {
    const endpoint = cluster.pick();
    cluster.onStart(endpoint);
    if (started >= options.warmup) counts.set(endpoint.origin, (counts.get(endpoint.origin) ?? 0) + 1);
    started += 1;
    const outcome = options.outcome(endpoint.origin);
    inFlight.push({ endsAt: clock.now + outcome.rttMs, endpoint, outcome });
  };
  for (let i = 0; i < options.concurrency && started < options.requests; i++) startOne();
  while (inFlight.length > 0) {
    let next = 0;
    for (let i = 1; i < inFlight.length; i++) if (inFlight[i]!.endsAt < inFlight[next]!.endsAt) next = i;
    const [done] = inFlight.splice(next, 1);
    clock.now = done!.endsAt;
    cluster.onEnd(done!.endpoint, done!.outcome);
    if (started < options.requests) startOne();
  }
  return counts;
}
