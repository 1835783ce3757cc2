import { outlierDetectionSchema, parseConfig } from '@slipstream/config';
import type { EndpointState } from './EndpointState';
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
  /**
   * After an ejection ends, the multiplier drops by one for each period of this length the
   * endpoint goes without being ejected again, ms. Defaults to `baseEjectionMs`.
   */
  multiplierDecayMs?: number;
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

/** How often an endpoint was ejected (the multiplier) and when its last ejection ended. */
interface EjectionRecord {
  multiplier: number;
  /** When the last ejection ended, ms; undefined while it lasts. */
  restoredAt: number | undefined;
}

/**
 * Passive outlier detection: an endpoint with `consecutiveFailures` failures in a row is
 * ejected for base × n ms (n = its ejection multiplier, capped at `maxEjectionMs`), unless
 * that would eject more than `maxEjectionPercent` of the endpoints. A timer (unref'd) brings
 * it back. As in Envoy, the multiplier decays: it drops by one for every `multiplierDecayMs`
 * the endpoint stays in rotation, so an endpoint that failed once long ago is not punished
 * like a flapping one.
 */
export class OutlierDetector {
  private options: Required<OutlierDetectorOptions>;
  private readonly ejections = new Map<string, EjectionRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    options: OutlierDetectorOptions = {},
    private readonly hooks: OutlierHooks = {},
    private readonly now: Clock = Date.now,
  ) {
    this.options = resolveOutlierOptions(options);
  }

  /** Replaces the settings; ejections in force and multipliers are kept. Throws `ConfigError` when invalid. */
  updateOptions(options: OutlierDetectorOptions = {}): void {
    this.options = resolveOutlierOptions(options);
  }

  /** The ejection multiplier of `origin` at this moment (0 when never ejected or fully decayed). */
  multiplier(origin: string): number {
    const record = this.ejections.get(origin);
    if (!record) return 0;
    if (record.restoredAt === undefined) return record.multiplier;
    const periods = Math.floor((this.now() - record.restoredAt) / this.options.multiplierDecayMs);
    return Math.max(0, record.multiplier - periods);
  }

  /** Forgets an endpoint that left the cluster: cancels its ejection timer and drops its multiplier. */
  forget(origin: string): void {
    clearTimeout(this.timers.get(origin));
    this.timers.delete(origin);
    this.ejections.delete(origin);
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
    const n = this.multiplier(endpoint.origin) + 1;
    this.ejections.set(endpoint.origin, { multiplier: n, restoredAt: undefined });
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
    const record = this.ejections.get(endpoint.origin);
    if (record) record.restoredAt = this.now();
    endpoint.ejected = false;
    endpoint.consecutiveFailures = 0;
    endpoint.recoveredAt = this.now();
    // The hook runs after the flags are cleared, so a cluster can re-seed the endpoint's estimate.
    this.hooks.onRestored?.(endpoint);
  }
}

/** Fills in the defaults; throws `ConfigError` naming each bad field under `outlierDetection.`. */
function resolveOutlierOptions(options: OutlierDetectorOptions): Required<OutlierDetectorOptions> {
  parseConfig(outlierDetectionSchema, options, ['outlierDetection']);
  const baseEjectionMs = options.baseEjectionMs ?? OUTLIER_DEFAULTS.baseEjectionMs;
  return {
    consecutiveFailures: options.consecutiveFailures ?? OUTLIER_DEFAULTS.consecutiveFailures,
    baseEjectionMs,
    maxEjectionMs: options.maxEjectionMs ?? OUTLIER_DEFAULTS.maxEjectionMs,
    maxEjectionPercent: options.maxEjectionPercent ?? OUTLIER_DEFAULTS.maxEjectionPercent,
    multiplierDecayMs: options.multiplierDecayMs ?? baseEjectionMs,
  };
}
