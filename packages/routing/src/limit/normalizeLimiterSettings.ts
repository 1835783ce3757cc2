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
  /**
   * @deprecated Ignored: the baseline is the no-load RTT, re-measured by a probe
   * every `probeIntervalMs`, no longer an EWMA over windows. Still accepted so configs keep working.
   */
  longWindow?: number;
  /** Re-measure the no-load RTT when no window has confirmed it for this long, ms (Infinity: never). Defaults to 30_000 ms. */
  probeIntervalMs?: number;
  /** Headroom added to the limit in a window without congestion, requests (probes upwards). Defaults to 4. */
  queueSize?: number;
}

/** Limiter settings with every default filled in (`longWindow` dropped: it is ignored). */
export type NormalizedLimiterSettings = Readonly<Required<Omit<AdaptiveLimiterSettings, 'longWindow'>>>;

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
});

/**
 * Fills each omitted field of `settings` from `base` (the defaults, or the settings in force)
 * and validates the result. Throws a `ConfigError` naming every bad field as
 * `adaptiveConcurrency.<field>`, with what was expected and what was received.
 */
export function normalizeLimiterSettings(
  settings: AdaptiveLimiterSettings,
  base: NormalizedLimiterSettings = LIMITER_DEFAULTS,
): NormalizedLimiterSettings {
  const o = {
    initialLimit: settings.initialLimit ?? base.initialLimit,
    minLimit: settings.minLimit ?? base.minLimit,
    maxLimit: settings.maxLimit ?? base.maxLimit,
    smoothing: settings.smoothing ?? base.smoothing,
    windowMs: settings.windowMs ?? base.windowMs,
    minWindowSamples: settings.minWindowSamples ?? base.minWindowSamples,
    rttTolerance: settings.rttTolerance ?? base.rttTolerance,
    probeIntervalMs: settings.probeIntervalMs ?? base.probeIntervalMs,
    queueSize: settings.queueSize ?? base.queueSize,
  };
  const issues: ConfigIssue[] = [];
  const check = (path: keyof typeof o, ok: boolean, expected: string): void => {
    if (!ok) issues.push({ path: `adaptiveConcurrency.${path}`, expected, received: String(o[path]) });
  };
  const finite = (v: number, min: number): boolean => Number.isFinite(v) && v >= min;
  check('minLimit', Number.isInteger(o.minLimit) && o.minLimit >= 1, 'an integer ≥ 1');
  check(
    'maxLimit',
    Number.isInteger(o.maxLimit) && o.maxLimit >= o.minLimit,
    `an integer ≥ minLimit (${o.minLimit})`,
  );
  check(
    'initialLimit',
    o.initialLimit >= o.minLimit && o.initialLimit <= o.maxLimit,
    `a number in [${o.minLimit}, ${o.maxLimit}]`,
  );
  check('smoothing', o.smoothing > 0 && o.smoothing <= 1, 'a number in (0, 1]');
  check('windowMs', finite(o.windowMs, 0), 'a finite number ≥ 0');
  check(
    'minWindowSamples',
    Number.isInteger(o.minWindowSamples) && o.minWindowSamples >= 1,
    'an integer ≥ 1',
  );
  check('rttTolerance', finite(o.rttTolerance, 1), 'a finite number ≥ 1');
  check('probeIntervalMs', o.probeIntervalMs > 0, 'a number > 0 (Infinity: never probe)');
  check('queueSize', finite(o.queueSize, 0), 'a finite number ≥ 0');
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(o);
}
