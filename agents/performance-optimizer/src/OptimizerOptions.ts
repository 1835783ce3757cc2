/** Options of the PerformanceOptimizer. */
export interface OptimizerOptions {
  /** Wait after a rule's change is settled before that rule may act again, ms; doubled per revert (up to 8×). Defaults to 60_000 ms. */
  cooldownMs?: number;
  /** Snapshots after a change before it is verified (the first may straddle the change). Defaults to 2. */
  verifySnapshots?: number;
  /** Most connections per origin the pool rule may set. Defaults to 256. */
  maxConnections?: number;
  /** Most connections the pool rule adds at once. Defaults to 16. */
  maxConnectionStep?: number;
  /** Longest keep-alive the keep-alive rule may set, ms. Defaults to 4_500 ms (below the usual 5_000 ms of servers). */
  maxKeepAliveMs?: number;
  /** Longest batch window the batch rule may set, ms. Defaults to 20 ms. */
  maxBatchDelayMs?: number;
  /** Longest breaker reset the flap rule may set, ms. Defaults to 300_000 ms. */
  maxBreakerResetMs?: number;
}

/** Defaults of `OptimizerOptions`, plus the rules' trigger thresholds. */
export const OPTIMIZER_DEFAULTS = Object.freeze({
  cooldownMs: 60_000,
  verifySnapshots: 2,
  maxConnections: 256,
  maxConnectionStep: 16,
  maxKeepAliveMs: 4_500,
  maxBatchDelayMs: 20,
  maxBreakerResetMs: 300_000,
  maxBreakerVolume: 100,
  lowReuse: 0.5,
  minRequests: 50,
  minBatches: 10,
  smallBatch: 2,
  batchStepMs: 2,
  outlierFactor: 3,
  flapOpens: 3,
  maxBackoff: 8,
});
