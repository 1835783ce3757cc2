import { monotonicClock, type Clock } from '../clock';
import { publishEvent, type EventPublisher } from '../events/publishEvent';
import { RollingPercentile } from '../qos/RollingPercentile';
import type { ConcurrencyLimit, LimitSample } from './ConcurrencyLimit';
import {
  normalizeLimiterSettings,
  type AdaptiveLimiterSettings,
  type NormalizedLimiterSettings,
} from './normalizeLimiterSettings';

/**
 * The shortest queue budget, ms: a wait shorter than this is not worth an error to a caller
 * (against a fast upstream that shares the client's CPU, half its no-load RTT is a fraction of a
 * millisecond, below the event loop's own jitter).
 */
export const MIN_QUEUE_BUDGET_MS = 50;

/** Options of an {@link AdaptiveConcurrencyLimiter}: its settings, plus identity and plumbing. */
export interface AdaptiveConcurrencyLimiterOptions extends AdaptiveLimiterSettings {
  /** Cluster name, for events. Defaults to 'default'. */
  cluster?: string;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
  /** Where `network.limit.changed` is published. Defaults to none. */
  bus?: EventPublisher;
}

/**
 * A Gradient2-style adaptive concurrency limit (after Netflix's concurrency-limits) whose
 * baseline is the upstream's no-load RTT, kept fresh by a probe (after BBR's ProbeRTT and
 * Envoy's minRTT window).
 *
 * Samples are grouped in windows (at least `windowMs` long and `minWindowSamples` big; a window
 * in which the limit was binding, in-flight reaching it, closes after half a limit's worth of
 * samples instead, about one round trip). A window counts only requests sent after it began
 * (now − RTT not before its start): those sent earlier measured the limit before it, and would
 * double or cut it twice on one round's evidence. At the end of each window, with `shortRtt` =
 * the window's median RTT (over its last 1 024 samples):
 *
 * - **Baseline**: `noLoadRtt` = the lowest `shortRtt` since the last probe (a window that
 *   matches or lowers it confirms it). Sustained queueing cannot drag it upwards.
 * - **Queueing**: `shortRtt` at least a quarter of the way from `noLoadRtt` to its tolerance
 *   (`(1 + (rttTolerance − 1) ÷ 4) × noLoadRtt`), or a dropped request: the upstream is past
 *   its capacity and queues, though the limit may hold there (it settles between that mark and
 *   the tolerance).
 * - **Cut**: `gradient = clamp(rttTolerance × noLoadRtt / shortRtt, 0.5, 1)` (0.5 with a drop);
 *   below 1, `limit = limit × gradient` at once.
 * - **Slow start**: a binding window without a cut doubles the limit, until a cut measured
 *   against a probed baseline (the first cut's baseline may be a cold one, see Probe): the
 *   limit is never what holds a healthy upstream back for long. After slow start, a window
 *   without a cut probes upwards: `limit += smoothing × queueSize`. Limits are clamped to
 *   `[minLimit, maxLimit]`.
 * - **App-limited** (in-flight never reached half the limit, nothing dropped): the window says
 *   nothing about capacity, so the limit neither grows nor shrinks (only the baseline learns).
 * - **Queue budget**: for 2 × `windowMs` after a window measured queueing, a request may wait at
 *   most half a `noLoadRtt`, and at least `MIN_QUEUE_BUDGET_MS`, for a slot (`queueBudgetMs`;
 *   after CoDel): the upstream serves all
 *   it can, so a standing queue in the client would only add its wait to every answer; the
 *   scheduler sheds what would wait longer. Otherwise the budget is unbounded: a queue that
 *   absorbs a burst to a healthy upstream is served, not shed.
 * - **Probe**: at the first cut (the baseline so far came from the first rounds, which may
 *   include connection set-up and the upstream's own cold start), and whenever no window has
 *   confirmed `noLoadRtt` for `probeIntervalMs`, the limit drops to `limit ÷ (rttTolerance +
 *   1)` (at the first cut, with the limit at most `initialLimit`: the limit reached by then may
 *   be several times the upstream's capacity, where a probe would see its queue) until
 *   `minWindowSamples` requests that started with at most that many in flight have completed;
 *   their median RTT becomes the new `noLoadRtt` (it may go up: the upstream really got
 *   slower). Since the limit settles where the RTT is `rttTolerance ×` the no-load one, i.e.
 *   near `rttTolerance ×` the upstream's capacity, the probe limit is below that capacity and
 *   the probe sees no queueing.
 *
 * Medians, not means: queueing in the upstream delays most requests of a window, while a
 * healthy upstream's slow tail, or a pause of the client's own, delays only some; a mean reads
 * those as congestion, and a first window's few late answers as the no-load RTT.
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
  private readonly windowRtts = new RollingPercentile(1_024);
  private windowCount = 0;
  private windowMaxInflight = 0;
  private windowDropped = false;
  /** Whether a probe has measured `noLoadRtt` (until then it came from the first windows). */
  private probed = false;
  /** Whether a binding window without a cut doubles the limit (until a cut after the first probe). */
  private slowStart = true;
  /** When a window last measured queueing in the upstream, ms (clock time). */
  private congestedAt = -Infinity;

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

  /** The no-load RTT the limit is measured against, ms (0 before the first window closed). */
  get baselineRttMs(): number {
    return this.noLoadRtt;
  }

  /** How long a request may wait for a slot now, ms: half the no-load RTT, at least `MIN_QUEUE_BUDGET_MS`, while the upstream queues; else `Infinity`. */
  get queueBudgetMs(): number {
    if (this.clock() - this.congestedAt >= 2 * this.settings.windowMs) return Infinity;
    return Math.max(this.noLoadRtt / 2, MIN_QUEUE_BUDGET_MS);
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
      this.windowRtts.add(sample.rttMs);
      if (++this.windowCount >= this.settings.minWindowSamples) this.endProbe(now);
      return;
    }
    // A request sent before this window began measured the limit before it: counting it would
    // double or cut twice for one round's evidence.
    if (now - sample.rttMs < this.windowStart) return;
    this.windowRtts.add(sample.rttMs);
    this.windowCount++;
    this.windowMaxInflight = Math.max(this.windowMaxInflight, sample.inflight);
    this.windowDropped ||= sample.dropped === true;
    if (this.windowCount < this.settings.minWindowSamples) return;
    // A binding window closes after half a round of the limit, not after windowMs: growth in slow
    // start and a cut under congestion both take about one round trip.
    const roundDone = this.windowMaxInflight >= this.limit && 2 * this.windowCount >= this.limit;
    if (!roundDone && now - this.windowStart < this.settings.windowMs) return;
    const shortRtt = this.windowRtts.quantile(0.5);
    const dropped = this.windowDropped;
    const usedInflight = this.windowMaxInflight;
    this.resetWindow(now);
    this.closeWindow(now, shortRtt, dropped, usedInflight);
  }

  private closeWindow(now: number, shortRtt: number, dropped: boolean, usedInflight: number): void {
    const o = this.settings;
    const before = this.limit;
    if (this.noLoadRtt === 0 || shortRtt <= this.noLoadRtt) {
      this.noLoadRtt = shortRtt;
      this.confirmedAt = now;
    }
    const gradient = dropped
      ? 0.5
      : Math.max(0.5, Math.min(1, (o.rttTolerance * this.noLoadRtt) / Math.max(shortRtt, 1e-3)));
    // Queueing: the upstream is past its capacity (answers slower than at no load by a quarter
    // of the tolerance or more), though the limit may hold there.
    const queueing = dropped || shortRtt >= (1 + (o.rttTolerance - 1) / 4) * this.noLoadRtt;
    if (queueing) this.congestedAt = now;
    if (!dropped && usedInflight < this.estimate / 2) {
      // App-limited: nothing learned about capacity.
    } else if (gradient < 1) {
      this.estimate = this.clamp(this.estimate * gradient);
      // Slow start ends at a cut measured against a probed baseline.
      if (this.probed) this.slowStart = false;
    } else if (this.slowStart && usedInflight >= Math.floor(this.estimate)) {
      this.estimate = this.clamp(this.estimate * 2);
    } else {
      this.estimate = this.clamp(this.estimate + o.smoothing * o.queueSize);
    }
    // The first cut re-measures a baseline that came from the first rounds (connection set-up, a
    // cold upstream), probing at most at the initial limit's level: the limit reached by then
    // may be several times the upstream's capacity, where a probe would see its queue.
    if (gradient < 1 && !this.probed)
      this.probeLimit = this.probeLimitFor(Math.min(this.estimate, o.initialLimit));
    else if (now - this.confirmedAt >= o.probeIntervalMs) this.probeLimit = this.probeLimitFor(this.estimate);
    this.announce(before);
  }

  private endProbe(now: number): void {
    const before = this.limit;
    this.noLoadRtt = this.windowRtts.quantile(0.5);
    this.confirmedAt = now;
    this.probeLimit = 0;
    this.probed = true;
    this.resetWindow(now);
    this.announce(before);
  }

  private probeLimitFor(estimate: number): number {
    return Math.max(this.settings.minLimit, Math.floor(estimate / (this.settings.rttTolerance + 1)));
  }

  private clamp(estimate: number): number {
    return Math.min(this.settings.maxLimit, Math.max(this.settings.minLimit, estimate));
  }

  private resetWindow(now: number): void {
    this.windowStart = now;
    this.windowRtts.clear();
    this.windowCount = 0;
    this.windowMaxInflight = 0;
    this.windowDropped = false;
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
