import { adaptiveConcurrencySchema, configIssue, parseConfig } from '@slipstream/config';
import { ConfigError, type ConfigIssue } from '@slipstream/contracts';

/** The tunable settings of an adaptive concurrency limiter (every field optional; omitted ones default or keep their value). */
export interface AdaptiveLimiterSettings {
  /** Limit before any measurement, requests. Defaults to 20. */
  initialLimit?: number;
  /** Lowest limit, requests. Defaults to 1. */
  minLimit?: number;
  /** Highest limit, requests. Defaults to 1_000. */
  maxLimit?: number;
  /** Weight of a window's new limit against the old one, 0..1. Defaults to 0.2. */
  smoothing?: number;
  /** Minimum length of a sample window, ms. Defaults to 1_000 ms. */
  windowMs?: number;
  /** Minimum samples in a window (and in a no-load probe) before it closes. Defaults to 10. */
  minWindowSamples?: number;
  /** Short-term RTT may exceed the no-load RTT by this factor before the limit falls. Defaults to 1.5. */
  rttTolerance?: number;
  /** Re-measure the no-load RTT when no window has confirmed it for this long, ms. Defaults to 30_000 ms. */
  probeIntervalMs?: number;
  /** Headroom added to the limit in a window without congestion, requests (probes upwards). Defaults to 4. */
  queueSize?: number;
  /**
   * While latency is elevated (the last window's RTT was not near the no-load one, or it had a drop, or the
   * limit sits at the upstream's capacity learned under congestion), how long a request that finds no free slot
   * may wait for one, in no-load RTTs (at least 20 ms unless 0): one whose estimated wait is longer is shed at
   * once with `OverloadedError` (0: every one). Otherwise (slow start, recovery) the class's queue timeout alone bounds the wait, so a burst
   * waits while the limit grows. Defaults to 0.5.
   */
  maxQueueWaitRtts?: number;
}

/** Limiter settings with every default filled in. */
export type NormalizedLimiterSettings = Readonly<Required<AdaptiveLimiterSettings>>;

/** The defaults of {@link AdaptiveLimiterSettings}. */
export const LIMITER_DEFAULTS: NormalizedLimiterSettings = Object.freeze({
  initialLimit: 20,
  minLimit: 1,
  maxLimit: 1_000,
  smoothing: 0.2,
  windowMs: 1_000,
  minWindowSamples: 10,
  rttTolerance: 1.5,
  probeIntervalMs: 30_000,
  queueSize: 4,
  maxQueueWaitRtts: 0.5,
});

/** The config package's schema of these settings (`enabled` is the scheduler's, not the limiter's). */
const SETTINGS_SCHEMA = adaptiveConcurrencySchema.omit({ enabled: true });

/**
 * Checks `settings` with the config package's schema (each field's type and range), fills each
 * omitted field from `base` (the defaults, or the settings in force), then checks what spans
 * fields: minLimit ≤ initialLimit ≤ maxLimit. Throws a `ConfigError` naming every bad field as
 * `adaptiveConcurrency.<field>`, with what was expected and what was received. Fields of
 * `settings` that are not limiter settings (a limiter's `cluster` or `clock`) are not read.
 */
export function normalizeLimiterSettings(
  settings: AdaptiveLimiterSettings,
  base: NormalizedLimiterSettings = LIMITER_DEFAULTS,
): NormalizedLimiterSettings {
  const given = Object.fromEntries(
    (Object.keys(LIMITER_DEFAULTS) as (keyof AdaptiveLimiterSettings)[])
      .filter((k) => settings[k] !== undefined)
      .map((k) => [k, settings[k]]),
  );
  parseConfig(SETTINGS_SCHEMA, given, ['adaptiveConcurrency']);
  const o = { ...base, ...given } as Required<AdaptiveLimiterSettings>;
  const issues: ConfigIssue[] = [];
  if (o.maxLimit < o.minLimit)
    issues.push(
      configIssue('adaptiveConcurrency.maxLimit', `an integer ≥ minLimit (${o.minLimit})`, o.maxLimit),
    );
  if (o.initialLimit < o.minLimit || o.initialLimit > o.maxLimit)
    issues.push(
      configIssue(
        'adaptiveConcurrency.initialLimit',
        `a number in [${o.minLimit}, ${o.maxLimit}]`,
        o.initialLimit,
      ),
    );
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(o);
}
