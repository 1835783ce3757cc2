/** The measured outcome of a request, reported when its permit is released. */
export interface PermitOutcome {
  /** Round-trip time of the request, ms. */
  rttMs: number;
  /** Whether it was dropped (timed out, refused, 503): an overload signal for the limiter. */
  dropped?: boolean;
}

/** Leave to send one request to a cluster. Release it exactly once when the request ends. */
export interface Permit {
  readonly cluster: string;
  readonly className: string;
  /** How long the request waited for the permit, ms. */
  readonly queuedMs: number;
  /** Returns the slot and reports the outcome; later calls are ignored. */
  release(outcome: PermitOutcome): void;
}
