import { ConfigError } from '@slipstream/contracts';
import type { ConfigIssue } from '@slipstream/contracts';
import type { EndpointState } from './EndpointState';
import { issue } from './configIssue';
import type { Clock } from './random';

/** Settings of passive outlier detection. */
export interface OutlierDetectorOptions {
  /** Consecutive failures that eject an endpoint. Defaults to 5. */
  consecutiveFailures?: number;
  /** First ejection length, ms; the n-th lasts n times as long. Defaults to 30_000 ms. */
  baseEjectionMs?: number;
  /** Longest ejection, ms. Defaults to 300_000 ms. */
  maxEjectionMs?: number;
  /** Share of endpoints that may be ejected at once, 0..100 (at least one when above 0). Defaults to 50. */
  maxEjectionPercent?: number;
}

/** What the detector reports, so the pipeline can publish `network.endpoint.ejected` / `restored`. */
export interface OutlierHooks {
  /** An endpoint was ejected for `durationMs` after `failures` failures in a row. */
  onEjected?(endpoint: EndpointState, durationMs: number, failures: number): void;
  /** An ejected endpoint's time ran out; it takes traffic again. */
  onRestored?(endpoint: EndpointState): void;
}

/** Defaults of `OutlierDetectorOptions`. */
export const OUTLIER_DEFAULTS = Object.freeze({
  consecutiveFailures: 5,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 50,
});

/**
 * Passive outlier detection: an endpoint with `consecutiveFailures` failures in a row is
 * ejected for base × n ms (n = how often it was ejected, capped at `maxEjectionMs`), unless
 * that would eject more than `maxEjectionPercent` of the endpoints. A timer (unref'd) brings
 * it back.
 */
export class OutlierDetector {
  private readonly options: Required<OutlierDetectorOptions>;
  private readonly ejections = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    options: OutlierDetectorOptions = {},
    private readonly hooks: OutlierHooks = {},
    private readonly now: Clock = Date.now,
  ) {
    this.options = {
      consecutiveFailures: options.consecutiveFailures ?? OUTLIER_DEFAULTS.consecutiveFailures,
      baseEjectionMs: options.baseEjectionMs ?? OUTLIER_DEFAULTS.baseEjectionMs,
      maxEjectionMs: options.maxEjectionMs ?? OUTLIER_DEFAULTS.maxEjectionMs,
      maxEjectionPercent: options.maxEjectionPercent ?? OUTLIER_DEFAULTS.maxEjectionPercent,
    };
    const issues = validateOutlierOptions(this.options, 'outlierDetection');
    if (issues.length > 0) throw new ConfigError(issues);
  }

  /** Looks at `endpoint` after a request ended; ejects it when it crossed the threshold. */
  record(endpoint: EndpointState, all: readonly EndpointState[]): void {
    if (endpoint.ejected || endpoint.consecutiveFailures < this.options.consecutiveFailures) return;
    const ejected = all.filter((e) => e.ejected).length;
    const allowed = Math.max(
      this.options.maxEjectionPercent > 0 ? 1 : 0,
      Math.floor((all.length * this.options.maxEjectionPercent) / 100),
    );
    if (ejected >= allowed) return;
    const n = (this.ejections.get(endpoint.origin) ?? 0) + 1;
    this.ejections.set(endpoint.origin, n);
    const durationMs = Math.min(this.options.baseEjectionMs * n, this.options.maxEjectionMs);
    const failures = endpoint.consecutiveFailures;
    endpoint.ejected = true;
    endpoint.ejections += 1;
    const timer = setTimeout(() => this.restore(endpoint), durationMs);
    timer.unref();
    this.timers.set(endpoint.origin, timer);
    this.hooks.onEjected?.(endpoint, durationMs, failures);
  }

  /** Cancels the ejection timers (endpoints stay as they are). */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private restore(endpoint: EndpointState): void {
    this.timers.delete(endpoint.origin);
    endpoint.ejected = false;
    endpoint.consecutiveFailures = 0;
    endpoint.recoveredAt = this.now();
    // The hook runs after the flags are cleared, so a cluster can re-seed the endpoint's estimate.
    this.hooks.onRestored?.(endpoint);
  }
}

/** The problems of a set of outlier options, each with its path under `prefix`. */
export function validateOutlierOptions(o: Required<OutlierDetectorOptions>, prefix: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!Number.isInteger(o.consecutiveFailures) || o.consecutiveFailures < 1)
    issues.push(issue(`${prefix}.consecutiveFailures`, 'a positive integer', o.consecutiveFailures));
  if (!(o.baseEjectionMs > 0))
    issues.push(issue(`${prefix}.baseEjectionMs`, 'a positive number of ms', o.baseEjectionMs));
  if (!(o.maxEjectionMs >= o.baseEjectionMs))
    issues.push(
      issue(
        `${prefix}.maxEjectionMs`,
        `a number of ms ≥ baseEjectionMs (${o.baseEjectionMs})`,
        o.maxEjectionMs,
      ),
    );
  if (!(o.maxEjectionPercent >= 0 && o.maxEjectionPercent <= 100))
    issues.push(issue(`${prefix}.maxEjectionPercent`, 'a percentage 0..100', o.maxEjectionPercent));
  return issues;
}
