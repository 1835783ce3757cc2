import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import { monotonicClock, type Clock } from '../clock';
import { publishEvent, type EventPublisher } from '../events/publishEvent';
import type { ConcurrencyLimit, LimitSample } from './ConcurrencyLimit';

/** Options of an {@link AdaptiveConcurrencyLimiter}. */
export interface AdaptiveConcurrencyLimiterOptions {
  /** Cluster name, for events. Defaults to 'default'. */
  cluster?: string;
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
  /** Minimum samples in a window before it closes. Defaults to 10. */
  minWindowSamples?: number;
  /** Short-term RTT may exceed the long-term baseline by this factor before the limit falls. Defaults to 1.5. */
  rttTolerance?: number;
  /** Windows the long-term RTT baseline averages over (EWMA span). Defaults to 200. */
  longWindow?: number;
  /** Headroom added to the limit in a window without congestion, requests (probes upwards). Defaults to 4. */
  queueSize?: number;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
  /** Where `network.limit.changed` is published. Defaults to none. */
  bus?: EventPublisher;
}

const DEFAULTS = Object.freeze({
  cluster: 'default',
  initialLimit: 20,
  minLimit: 1,
  maxLimit: 1_000,
  smoothing: 0.2,
  windowMs: 1_000,
  minWindowSamples: 10,
  rttTolerance: 1.5,
  longWindow: 200,
  queueSize: 4,
});

/**
 * A Gradient2-style adaptive concurrency limit (after Netflix's concurrency-limits).
 *
 * Samples are grouped in windows (at least `windowMs` long and `minWindowSamples` big). At the
 * end of each window:
 *
 * - `shortRtt` = the window's mean RTT; `longRtt` = an EWMA of `shortRtt` over `longWindow`
 *   windows (the baseline). When `longRtt > 2 × shortRtt` the upstream got faster, and the
 *   baseline decays by 5 % a window so the limit can climb back quickly.
 * - `gradient = clamp(rttTolerance × longRtt / shortRtt, 0.5, 1)`; a window with a dropped
 *   request uses 0.5.
 * - `newLimit = limit × gradient` when the gradient is below 1 (congestion), else `limit +
 *   queueSize` (probe upwards), then `limit = (1 − smoothing) × limit + smoothing × newLimit`,
 *   clamped to `[minLimit, maxLimit]`. (Gradient2 always adds `queueSize`; at small limits
 *   that headroom cancels the decrease, so here it is added only without congestion.)
 * - A window in which in-flight never reached half the limit (the client was not pushing)
 *   and nothing was dropped leaves the limit alone: it says nothing about capacity.
 *
 * So when the upstream slows down, queueing builds inside it, `shortRtt` rises above the
 * baseline and the limit falls; when it recovers, the gradient returns to 1 and the limit
 * grows by about `smoothing × queueSize` a window. `limit` is the integer part.
 */
export class AdaptiveConcurrencyLimiter implements ConcurrencyLimit {
  private readonly options: Required<Omit<AdaptiveConcurrencyLimiterOptions, 'bus'>>;
  private readonly bus: EventPublisher | undefined;
  private estimate: number;
  private longRtt = 0;
  private windowStart: number;
  private windowSum = 0;
  private windowCount = 0;
  private windowMaxInflight = 0;
  private windowDropped = false;

  constructor(options: AdaptiveConcurrencyLimiterOptions = {}) {
    const o = {
      cluster: options.cluster ?? DEFAULTS.cluster,
      initialLimit: options.initialLimit ?? DEFAULTS.initialLimit,
      minLimit: options.minLimit ?? DEFAULTS.minLimit,
      maxLimit: options.maxLimit ?? DEFAULTS.maxLimit,
      smoothing: options.smoothing ?? DEFAULTS.smoothing,
      windowMs: options.windowMs ?? DEFAULTS.windowMs,
      minWindowSamples: options.minWindowSamples ?? DEFAULTS.minWindowSamples,
      rttTolerance: options.rttTolerance ?? DEFAULTS.rttTolerance,
      longWindow: options.longWindow ?? DEFAULTS.longWindow,
      queueSize: options.queueSize ?? DEFAULTS.queueSize,
      clock: options.clock ?? monotonicClock,
    };
    const issues: ConfigIssue[] = [];
    const check = (path: string, ok: boolean, expected: string, value: unknown): void => {
      if (!ok) issues.push({ path: `adaptiveConcurrency.${path}`, expected, received: String(value) });
    };
    check('minLimit', Number.isInteger(o.minLimit) && o.minLimit >= 1, 'an integer ≥ 1', o.minLimit);
    check(
      'maxLimit',
      Number.isInteger(o.maxLimit) && o.maxLimit >= o.minLimit,
      `an integer ≥ minLimit (${o.minLimit})`,
      o.maxLimit,
    );
    check(
      'initialLimit',
      o.initialLimit >= o.minLimit && o.initialLimit <= o.maxLimit,
      `a number in [${o.minLimit}, ${o.maxLimit}]`,
      o.initialLimit,
    );
    check('smoothing', o.smoothing > 0 && o.smoothing <= 1, 'a number in (0, 1]', o.smoothing);
    check('windowMs', o.windowMs >= 0 && Number.isFinite(o.windowMs), 'a finite number ≥ 0', o.windowMs);
    check(
      'minWindowSamples',
      Number.isInteger(o.minWindowSamples) && o.minWindowSamples >= 1,
      'an integer ≥ 1',
      o.minWindowSamples,
    );
    check(
      'rttTolerance',
      o.rttTolerance >= 1 && Number.isFinite(o.rttTolerance),
      'a finite number ≥ 1',
      o.rttTolerance,
    );
    check(
      'longWindow',
      o.longWindow >= 1 && Number.isFinite(o.longWindow),
      'a finite number ≥ 1',
      o.longWindow,
    );
    check('queueSize', o.queueSize >= 0 && Number.isFinite(o.queueSize), 'a finite number ≥ 0', o.queueSize);
    if (issues.length > 0) throw new ConfigError(issues);
    this.options = o;
    this.bus = options.bus;
    this.estimate = o.initialLimit;
    this.windowStart = o.clock();
  }

  /** Requests that may be in flight now. */
  get limit(): number {
    return Math.max(this.options.minLimit, Math.floor(this.estimate));
  }

  /** The long-term RTT baseline, ms (0 before the first window closed). */
  get baselineRttMs(): number {
    return this.longRtt;
  }

  /** Records one outcome; closes the window when it is long and big enough. */
  onSample(sample: LimitSample): void {
    this.windowSum += sample.rttMs;
    this.windowCount++;
    this.windowMaxInflight = Math.max(this.windowMaxInflight, sample.inflight);
    this.windowDropped ||= sample.dropped === true;
    const now = this.options.clock();
    if (this.windowCount < this.options.minWindowSamples || now - this.windowStart < this.options.windowMs)
      return;
    const shortRtt = this.windowSum / this.windowCount;
    const appLimited = !this.windowDropped && this.windowMaxInflight < this.estimate / 2;
    const dropped = this.windowDropped;
    this.windowStart = now;
    this.windowSum = 0;
    this.windowCount = 0;
    this.windowMaxInflight = 0;
    this.windowDropped = false;
    this.closeWindow(shortRtt, dropped, appLimited);
  }

  private closeWindow(shortRtt: number, dropped: boolean, appLimited: boolean): void {
    const o = this.options;
    if (this.longRtt === 0) this.longRtt = shortRtt;
    else this.longRtt += (2 / (o.longWindow + 1)) * (shortRtt - this.longRtt);
    if (this.longRtt > 2 * shortRtt) this.longRtt *= 0.95;
    if (appLimited) return;
    const gradient = dropped
      ? 0.5
      : Math.max(0.5, Math.min(1, (o.rttTolerance * this.longRtt) / Math.max(shortRtt, 1e-3)));
    const target = gradient < 1 ? this.estimate * gradient : this.estimate + o.queueSize;
    const before = this.limit;
    this.estimate = Math.min(
      o.maxLimit,
      Math.max(o.minLimit, (1 - o.smoothing) * this.estimate + o.smoothing * target),
    );
    if (this.limit !== before)
      publishEvent(this.bus, 'network.limit.changed', { cluster: o.cluster, from: before, to: this.limit });
  }
}
