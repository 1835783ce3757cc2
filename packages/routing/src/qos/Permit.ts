/** The measured outcome of one attempt of a request, as the limiter learns it. */
export interface PermitOutcome {
  /** Round-trip time of the attempt, from send to the response headers, ms. */
  rttMs: number;
  /** Whether it was dropped (timed out, refused, 503): an overload signal for the limiter. */
  dropped?: boolean;
  /** The endpoint that answered (its origin): the limiter reads the RTT against that endpoint's no-load RTT. */
  endpoint?: string;
}

/** Leave to send one request to a cluster. Release it exactly once when the request ends. */
export interface Permit {
  readonly cluster: string;
  readonly className: string;
  /** How long the request waited for the permit, ms. */
  readonly queuedMs: number;
  /** Reports one attempt's outcome to the cluster's limiter (any number of times before `release`). */
  sample(outcome: PermitOutcome): void;
  /** Returns the slot (after reporting `outcome`, when given); later calls are ignored. */
  release(outcome?: PermitOutcome): void;
}
