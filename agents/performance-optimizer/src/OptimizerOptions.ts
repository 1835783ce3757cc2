import { ConfigError, MIN_AB_PAIRS, type ConfigIssue } from '@slipstream/contracts';
import type { OptimizerFleet } from './fleet/OptimizerFleet';

/** Options of the PerformanceOptimizer. */
export interface OptimizerOptions {
  /** Wait after a rule's change is settled before that rule may act again, ms; doubled per revert (up to 8×). Defaults to 60_000 ms. */
  cooldownMs?: number;
  /** Fewest snapshots per A/A or A/B block (the first of a block may straddle a switch); more when the snapshots' window spans more intervals. Defaults to 2. */
  verifySnapshots?: number;
  /** Pairs of A/B blocks (new and old settings) that decide whether a change is kept; at least 5. Defaults to 6. */
  abPairs?: number;
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
  /** Tune a fleet: each kept change is published there as a new revision, each revert rolled back. Defaults to none (this sidecar only). */
  fleet?: OptimizerFleet;
}

/** Defaults of `OptimizerOptions`, plus the rules' trigger thresholds. */
export const OPTIMIZER_DEFAULTS = Object.freeze({
  cooldownMs: 60_000,
  verifySnapshots: 2,
  abPairs: 6,
  /** A/A blocks a rule needs measured on the unchanged system before its change is tried. */
  aaBlocks: 4,
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

/** Which numbers each option accepts. */
const CHECKS: Record<
  Exclude<keyof OptimizerOptions, 'fleet'>,
  { expected: string; ok: (v: number) => boolean }
> = {
  cooldownMs: { expected: 'a number of ms ≥ 0', ok: (v) => Number.isFinite(v) && v >= 0 },
  verifySnapshots: { expected: 'an integer ≥ 1', ok: (v) => Number.isInteger(v) && v >= 1 },
  abPairs: {
    expected: `an integer ≥ ${MIN_AB_PAIRS}`,
    ok: (v) => Number.isInteger(v) && v >= MIN_AB_PAIRS,
  },
  maxConnections: { expected: 'an integer ≥ 1', ok: (v) => Number.isInteger(v) && v >= 1 },
  maxConnectionStep: { expected: 'an integer ≥ 1', ok: (v) => Number.isInteger(v) && v >= 1 },
  maxKeepAliveMs: { expected: 'a number of ms > 0', ok: (v) => Number.isFinite(v) && v > 0 },
  maxBatchDelayMs: { expected: 'a number of ms > 0', ok: (v) => Number.isFinite(v) && v > 0 },
  maxBreakerResetMs: { expected: 'a number of ms > 0', ok: (v) => Number.isFinite(v) && v > 0 },
};

/** Throws a `ConfigError` naming every option that is given and out of range, with what it received. */
export function checkOptimizerOptions(options: OptimizerOptions): void {
  const issues: ConfigIssue[] = [];
  for (const [path, check] of Object.entries(CHECKS) as [
    keyof typeof CHECKS,
    (typeof CHECKS)[keyof typeof CHECKS],
  ][]) {
    const value = options[path];
    if (value !== undefined && !check.ok(value)) {
      issues.push({ path, expected: check.expected, received: String(value) });
    }
  }
  if (options.fleet !== undefined && typeof options.fleet.publish !== 'function') {
    issues.push({
      path: 'fleet',
      expected: 'an OptimizerFleet (with publish())',
      received: typeof options.fleet,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
