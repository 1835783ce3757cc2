import type { PoolStats } from '@slipstream/contracts';

/** The contracts' `PoolStats` plus the http package's own measured counters. */
export interface HttpPoolStats extends PoolStats {
  /** Requests replayed once after a stale keep-alive socket failed under them. */
  staleRetries: number;
  /** Connect attempts that failed. */
  connectErrors: number;
}
