import type { EndpointState } from './EndpointState';

/** What an algorithm may use to choose. */
export interface PickContext {
  /** Sticky-session key (consistent hashing); ignored by the other algorithms. */
  key?: string;
  /** Time of the pick, ms (latency estimates decay with it). */
  now: number;
}

/** A load-balancing algorithm: picks one of the candidate endpoints. */
export interface LoadBalancer {
  /** Algorithm name, as in config. */
  readonly name: string;
  /** Chooses one of `endpoints` (already filtered for health and exclusions); undefined when empty. */
  pick(endpoints: readonly EndpointState[], ctx: PickContext): EndpointState | undefined;
}
