import { monotonicClock, type Clock } from '../clock';
import { publishEvent, type EventPublisher } from '../events/publishEvent';
import type { ConcurrencyLimit, LimitSample } from './ConcurrencyLimit';
import {
  normalizeLimiterSettings,
  type AdaptiveLimiterSettings,
  type NormalizedLimiterSettings,
} from './normalizeLimiterSettings';

/** Options of an {@link AdaptiveConcurrencyLimiter}: its settings, plus identity and plumbing. */
export interface AdaptiveConcurrencyLimiterOptions extends AdaptiveLimiterSettings {
  /** Cluster name, for events. Defaults to 'default'. */
  cluster?: string;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
  /** Where `network.limit.changed` is published. Defaults to none. */
  bus?: EventPublisher;
}

/** The quantile of a window's RTTs that stands for the window (see `windowRtt`). */
const RTT_QUANTILE = 0.5;

/**
 * A Gradient2-style adaptive concurrency limit (after Netflix's concurrency-limits) whose
 * baseline is the upstream's no-load RTT, kept fresh by a probe (after BBR's ProbeRTT and
 * Envoy's minRTT window).
 *
 * Samples are grouped in windows (at least `windowMs` long and `minWindowSamples` big). At the
 * end of each window, with `shortRtt` = the window's median RTT (see `windowRtt`):
 *
 * - **Baseline**: `noLoadRtt` = the lowest `shortRtt` since the last probe (a window that
 *   matches or lowers it confirms it). Sustained queueing cannot drag it upwards.
 * - **Gradient**: `clamp(rttTolerance × noLoadRtt / shortRtt, 0.5, 1)`; 0.5 for a window with a
 *   dropped request. Under congestion (gradient below 1) `limit = limit × gradient` at once;
 *   else `limit = (1 − smoothing) × limit + smoothing × (limit + queueSize)` (probe upwards);
 *   clamped to `[minLimit, maxLimit]`. A window in which the limit was binding closes after a
 *   limit's worth of samples (one round trip), so both directions react within a round.
 * - **Slow start**: until the first sign of congestion (a gradient below 1 or a drop), a window
 *   in which the limit was binding (in-flight reached it) doubles the limit, and such a window
 *   closes after a limit's worth of samples (one round trip of the limit) instead of waiting
 *   for `windowMs`: the default limit is never what holds a healthy upstream back for long.
 * - **Fail fast under congestion**: after the first sign of congestion the limit tracks the
 *   upstream's capacity, so a request waiting locally for a slot only adds a queue in the client
 *   to the one in the upstream: `maxQueueWaitMs` becomes `maxQueueWaitRtts × noLoadRtt` and the
 *   scheduler sheds a request whose estimated wait is longer with `OverloadedError` (as Netflix's
 *   limiters and Envoy's adaptive concurrency reject the excess). In slow start it is undefined:
 *   a burst waits (up to its class's queue timeout) while the limit doubles. During a probe too:
 *   the probe holds the limit below capacity on purpose for a round trip or two.
 * - **App-limited** (in-flight never reached half the limit, nothing dropped): the window says
 *   nothing about capacity, so the limit neither grows nor shrinks (only the baseline learns).
 * - **Probe**: when no window has confirmed `noLoadRtt` for `probeIntervalMs`, the limit drops
 *   to `limit ÷ (rttTolerance + 1)` until `minWindowSamples` requests that started with at most
 *   that many in flight have completed; their median RTT becomes the new `noLoadRtt` (it may go
 *   up: the upstream really got slower). Since the limit settles where the RTT is
 *   `rttTolerance ×` the no-load one, i.e. near `rttTolerance ×` the upstream's capacity, the
 *   probe limit is below that capacity and the probe sees no queueing.
 *
 * `limit` is the integer part of the estimate (the probe limit while probing).
 */
export class AdaptiveConcurrencyLimiter implements ConcurrencyLimit {
  private settings: NormalizedLimiterSettings;
  private readonly cluster: string;
  private readonly clock: Clock;
  private readonly bus: EventPublisher | undefined;
  private estimate: number;
  private noLoadRtt = 0;
  private confirmedAt: number;
  private probeLimit = 0;
  private windowStart: number;
  /** RTTs of the window (or the probe) so far, ms; dropped requests have none. */
  private readonly windowRtts: number[] = [];
  /** Samples in the window, dropped ones included. */
  private windowSamples = 0;
  private windowMaxInflight = 0;
  private windowDropped = false;
  /** Whether the limit still doubles per binding window (until the first congestion signal). */
  private slowStart = true;

  constructor(options: AdaptiveConcurrencyLimiterOptions = {}) {
    this.settings = normalizeLimiterSettings(options);
    this.cluster = options.cluster ?? 'default';
    this.clock = options.clock ?? monotonicClock;
    this.bus = options.bus;
    this.estimate = this.settings.initialLimit;
    this.windowStart = this.confirmedAt = this.clock();
  }

  /** Requests that may be in flight now. */
  get limit(): number {
    if (this.probing) return this.probeLimit;
    return Math.max(this.settings.minLimit, Math.floor(this.estimate));
  }

  /**
   * How long a request that finds no free slot may wait for one, ms: `maxQueueWaitRtts ×` the
   * no-load RTT once latency rose with load (congestion avoidance); undefined in slow start (the
   * class's queue timeout bounds it while the limit doubles).
   */
  get maxQueueWaitMs(): number | undefined {
    // A probe holds the limit below the capacity on purpose, for a round trip or two: waiting it out is its cost.
    return this.slowStart || this.probing ? undefined : this.settings.maxQueueWaitRtts * this.noLoadRtt;
  }

  /** The no-load RTT the limit is measured against, ms (0 before the first window closed). */
  get baselineRttMs(): number {
    return this.noLoadRtt;
  }

  /** Whether a probe of the no-load RTT is running (the limit is lowered meanwhile). */
  get probing(): boolean {
    return this.probeLimit > 0;
  }

  /** The settings in force. */
  get options(): NormalizedLimiterSettings {
    return this.settings;
  }

  /**
   * Changes settings at run time; omitted fields keep their value. Validates first: an
   * invalid update throws a `ConfigError` and the old settings stay. The learned limit is kept
   * (clamped into the new `[minLimit, maxLimit]`); `initialLimit` matters only to new limiters.
   */
  update(settings: AdaptiveLimiterSettings): void {
    const before = this.limit;
    this.settings = normalizeLimiterSettings(settings, this.settings);
    this.estimate = this.clamp(this.estimate);
    if (this.probing) this.probeLimit = this.probeLimitFor(this.estimate);
    this.announce(before);
  }

  /** Records one outcome; closes the window (or the probe) when it is long and big enough. */
  onSample(sample: LimitSample): void {
    const now = this.clock();
    if (this.probing) {
      if (sample.inflight > this.probeLimit) return; // started before the probe drained the upstream
      if (sample.dropped === true) return; // a refusal's RTT is not the upstream's service time
      this.windowRtts.push(sample.rttMs);
      if (this.windowRtts.length >= this.settings.minWindowSamples) this.endProbe(now);
      return;
    }
    // A dropped request is an overload signal of its own; its RTT (a 503 answered at once, a timeout) says
    // nothing about the upstream's service time and would drag the no-load baseline down (or up).
    if (sample.dropped !== true) this.windowRtts.push(sample.rttMs);
    const count = ++this.windowSamples;
    this.windowMaxInflight = Math.max(this.windowMaxInflight, sample.inflight);
    this.windowDropped ||= sample.dropped === true;
    if (count < this.settings.minWindowSamples) return;
    // A binding window closes after one round of the limit, not after windowMs: growth in slow
    // start and a cut under congestion both take one round trip.
    const roundDone = this.windowMaxInflight >= this.limit && count >= this.limit;
    if (!roundDone && now - this.windowStart < this.settings.windowMs) return;
    const shortRtt = this.windowRtts.length > 0 ? this.windowRtt() : undefined;
    const dropped = this.windowDropped;
    const usedInflight = this.windowMaxInflight;
    this.resetWindow(now);
    this.closeWindow(now, shortRtt, dropped, usedInflight);
  }

  private closeWindow(
    now: number,
    shortRtt: number | undefined,
    dropped: boolean,
    usedInflight: number,
  ): void {
    const o = this.settings;
    const before = this.limit;
    if (shortRtt !== undefined && (this.noLoadRtt === 0 || shortRtt <= this.noLoadRtt)) {
      this.noLoadRtt = shortRtt;
      this.confirmedAt = now;
    }
    // Only dropped requests (no RTT) means dropped: the gradient is 0.5 either way.
    const gradient =
      dropped || shortRtt === undefined
        ? 0.5
        : Math.max(0.5, Math.min(1, (o.rttTolerance * this.noLoadRtt) / Math.max(shortRtt, 1e-3)));
    if (gradient < 1) this.slowStart = false;
    if (!dropped && usedInflight < this.estimate / 2) {
      // App-limited: nothing learned about capacity.
    } else if (this.slowStart && usedInflight >= Math.floor(this.estimate)) {
      this.estimate = this.clamp(this.estimate * 2);
    } else {
      const target = gradient < 1 ? this.estimate * gradient : this.estimate + o.queueSize;
      this.estimate = this.clamp((1 - o.smoothing) * this.estimate + o.smoothing * target);
    }
    if (now - this.confirmedAt >= o.probeIntervalMs) this.probeLimit = this.probeLimitFor(this.estimate);
    this.announce(before);
  }

  private endProbe(now: number): void {
    const before = this.limit;
    this.noLoadRtt = this.windowRtt();
    this.confirmedAt = now;
    this.probeLimit = 0;
    this.resetWindow(now);
    this.announce(before);
  }

  /**
   * The window's RTT: its median (`RTT_QUANTILE`), for the baseline and the gradient alike (as Envoy's
   * gradient controller aggregates its samples, p50 by default). Queueing in the upstream delays most
   * requests, so it raises the median as it raises the mean, but a slow minority does not move it: the
   * first windows of a cold client (new connections) and the slow-start round that overshoots the
   * upstream's capacity (where the excess queued in the upstream) left the mean-based baseline at
   * 1.5–2× the no-load RTT, and the limit settled where the upstream queued that much more.
   */
  private windowRtt(): number {
    const rtts = this.windowRtts.sort((a, b) => a - b);
    return rtts[Math.floor(RTT_QUANTILE * (rtts.length - 1))]!;
  }

  private probeLimitFor(estimate: number): number {
    return Math.max(this.settings.minLimit, Math.floor(estimate / (this.settings.rttTolerance + 1)));
  }

  private clamp(estimate: number): number {
    return Math.min(this.settings.maxLimit, Math.max(this.settings.minLimit, estimate));
  }

  private resetWindow(now: number): void {
    this.windowStart = now;
    this.windowRtts.length = 0;
    this.windowMaxInflight = 0;
    this.windowDropped = false;
    this.windowSamples = 0;
  }

  private announce(before: number): void {
    if (this.limit !== before)
      publishEvent(this.bus, 'network.limit.changed', {
        cluster: this.cluster,
        from: before,
        to: this.limit,
      });
  }
}
