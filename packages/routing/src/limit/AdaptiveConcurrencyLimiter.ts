import { monotonicClock, type Clock } from '../clock';
import { publishEvent, type EventPublisher } from '../events/publishEvent';
import type { ConcurrencyLimit, LimitSample } from './ConcurrencyLimit';
import { LoopLoad, type EventLoopUtilizationFn } from './LoopLoad';
import { NoLoadRtts } from './NoLoadRtts';
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
  /**
   * Where the limiter reads how busy the client's event loop was over each window and probe (see "Probe" below).
   * Defaults to Node's `performance.eventLoopUtilization`; a test on a simulated clock passes an idle stand-in.
   */
  eventLoopUtilization?: EventLoopUtilizationFn | undefined;
}

/**
 * The shortest wait for a slot fail-fast allows, ms (unless `maxQueueWaitRtts` is 0). Half a no-load
 * RTT of a sub-millisecond upstream is less than the client's own jitter (a GC pause, a busy core):
 * on a loaded machine the limit of a healthy loopback upstream fell to 3 and the client shed
 * 128 000 of 180 000 requests in 22 s with "estimated queue time 0 ms exceeds 0 ms".
 */
const MIN_FAIL_FAST_WAIT_MS = 20;

/**
 * While the client's event loop is busy at least this share of the time, its RTTs are partly its own queueing (a
 * response waits in its socket until the loop gets to it, and by Little's law that wait grows with the requests
 * in flight), so a probe, which holds fewer requests in flight, measures less of it and reads a lower no-load RTT
 * than the one the windows are compared with. In the http bench (32 in flight to nginx answering at once, the
 * bench process busy 0.88–1.00 of every window) every probe cut the limit again: 45 → 10 → 4 in a minute, then
 * "estimated queue time 21 ms exceeds 20 ms" shed up to 2 800 requests of 3 000. No probe starts while the loop is
 * that busy, and one that ran that busy teaches nothing. (Windows are still read: a busy client's upstream that
 * queues must be cut as anywhere, and skipping busy windows left an upstream serving 4 at once behind 64 callers
 * at 17× its no-load RTT with the limit at 128.)
 */
const PROBE_BUSY_UTILIZATION = 0.85;

/**
 * A window's RTT is near the no-load one when it exceeds it by at most this share of the tolerated excess
 * (`rttTolerance − 1`): with the default tolerance of 1.5, within 1.25× the no-load RTT.
 */
const NEAR_NO_LOAD = 0.5;

/**
 * Windows in a row whose RTT is near the no-load one (and without a drop), lasting `windowMs` at least,
 * before the limit learned under congestion is taken as outdated: the growth ceiling goes and fail-fast stops.
 * A window or two is not enough: the first round after a cut enters a drained upstream, and above its capacity
 * (below twice it) the median of a round in which most requests found a free worker reads the no-load RTT.
 */
const RECOVERED_WINDOWS = 3;

/**
 * A Gradient2-style adaptive concurrency limit (after Netflix's concurrency-limits) whose
 * baseline is the upstream's no-load RTT, kept fresh by a probe (after BBR's ProbeRTT and
 * Envoy's minRTT window).
 *
 * Samples are grouped in windows (at least `windowMs` long and `minWindowSamples` big). At the
 * end of each window, with `ratio` = the window's RTT ÷ the no-load RTT (per endpoint, see Baseline):
 *
 * - **Baseline, per endpoint** (`NoLoadRtts`): `noLoadRtt` = the lowest median of the endpoint's
 *   RTTs since the last probe (a window whose median matches or lowers it confirms it). Sustained
 *   queueing cannot drag it upwards. Each sample is read against its own endpoint's no-load RTT
 *   (`ratio` = each endpoint's median RTT ÷ its `noLoadRtt`, averaged over the endpoints weighted by
 *   their samples): against one shared baseline, a
 *   cluster of a 3 ms and a 100 ms endpoint read the mix of endpoints in a window as congestion. The
 *   median, not the mean (as Envoy's gradient controller aggregates, p50 by default): queueing in the
 *   upstream delays most requests, so it raises the median as it raises the mean, but a slow minority
 *   (a cold client's new connections, the slow-start round that overshot the upstream's capacity)
 *   does not move it. A dropped request (503, 429, timeout) counts towards its window but its RTT
 *   does not: a refusal answered at once is not the upstream's service time.
 * - **Gradient**: `clamp(rttTolerance / ratio, 0.5, 1)`; 0.5 for a window with a
 *   dropped request. Under congestion (gradient below 1) `limit = limit × gradient`, smoothed
 *   (`(1 − smoothing) × limit + smoothing × target`) except right after fast growth: then whole,
 *   but not below the limit before that growth (it undoes the overshoot in a round or two).
 *   Without congestion, in congestion avoidance, `limit + queueSize` smoothed (probe upwards).
 *   Clamped to `[minLimit, maxLimit]`. A binding window (in-flight reached the limit, or requests
 *   waited for a slot) closes after a limit's worth of samples (one round trip), so both
 *   directions react within a round. After a whole cut or fast growth, requests sent before it are
 *   left out (they measure the old limit: after a cut the upstream's queue drains for a round trip).
 * - **Fast growth (slow start), with a ceiling** (after TCP's ssthresh): a binding window without
 *   congestion below `growthCeiling` doubles the limit, or raises it to the demand it held back
 *   (limit + requests waiting) when that is more (100 requests at once to a 2.5 s upstream are all
 *   in flight after one round, not three: a 5 s queue timeout would cut the last 40), up to the
 *   ceiling. The ceiling is unbounded at first; latency rising with load sets it to the new limit
 *   (congestion avoidance from there); a run of drops halves it once (where the run began). Once
 *   latency has been near the no-load RTT (within half the tolerated excess) for `windowMs` and
 *   `RECOVERED_WINDOWS` windows in a row, what was learned no longer holds (the upstream recovered
 *   or grew): the ceiling goes and the limit doubles again while it binds.
 * - **Fail fast while latency is elevated**: when the last window's RTT was not near the no-load
 *   one, or it had a drop, or the limit is at the ceiling learned under congestion (until latency
 *   has been back near no-load as above), a request waiting locally for a slot only adds a queue in
 *   the client to the one in the upstream: `maxQueueWaitMs` is `maxQueueWaitRtts × noLoadRtt` (the median of the
 *   window's samples' endpoints' ones)
 *   (plus, right after a whole cut, the RTT that caused it: the client's own excess drains) and the
 *   scheduler sheds a request whose estimated wait is longer with `OverloadedError` (as Netflix's
 *   limiters and Envoy's adaptive concurrency reject the excess). Otherwise it is undefined: a
 *   burst waits (up to its class's queue timeout) while the limit grows. During a probe too: the
 *   probe holds the limit below capacity on purpose for a round trip or two.
 * - **App-limited** (in-flight never reached half the limit, nobody waited, nothing dropped): the window says
 *   nothing about capacity, so the limit neither grows nor shrinks (only the baseline learns).
 * - **Probe**: when no window has confirmed the `noLoadRtt` of an endpoint it reached for
 *   `probeIntervalMs`, the limit drops to `limit ÷ (rttTolerance + 1)` until `minWindowSamples`
 *   requests that started with at most that many in flight have completed (and 3 of each endpoint
 *   they reached, up to 4 × `minWindowSamples`); each endpoint's median RTT among them becomes its
 *   new `noLoadRtt` (it may go up: the upstream really got slower). Since the limit settles where the RTT is
 *   `rttTolerance ×` the no-load one, i.e. near `rttTolerance ×` the upstream's capacity, the
 *   probe limit is below that capacity and the probe sees no queueing. Not while the client's own
 *   event loop is busy ≥ 85 % of the time (`eventLoopUtilization`): its RTTs are then partly its own
 *   queueing, of which a probe at fewer requests in flight measures less; no probe starts then, and
 *   one that ran that busy teaches nothing (it counts as confirming the baselines).
 *
 * `limit` is the integer part of the estimate (the probe limit while probing).
 */
export class AdaptiveConcurrencyLimiter implements ConcurrencyLimit {
  private settings: NormalizedLimiterSettings;
  private readonly cluster: string;
  private readonly clock: Clock;
  private readonly bus: EventPublisher | undefined;
  private estimate: number;
  /** Each endpoint's no-load RTT: a sample is read against its own endpoint's. */
  private readonly baselines = new NoLoadRtts();
  private probeLimit = 0;
  private windowStart: number;
  /** RTTs of the window (or the probe) so far, ms. */
  private readonly windowRtts: number[] = [];
  /** The endpoint of each of `windowRtts` ('' when the sample named none). */
  private readonly windowEndpoints: string[] = [];
  private windowMaxInflight = 0;
  private windowDropped = false;
  /** Most requests seen waiting for a slot in the window. */
  private windowMaxQueued = 0;
  /** Samples in the window, dropped ones included (they have no RTT in `windowRtts`). */
  private windowSamples = 0;
  /**
   * The limit grows multiplicatively below this (slow start, TCP's ssthresh): unbounded at first, the limit
   * after a cut when latency rose, half the limit when a run of dropped requests began.
   */
  private growthCeiling = Infinity;
  /** Whether the last closed window's latency was elevated (beyond near no-load) or it had a drop: fail fast. */
  private elevated = false;
  /** Closed windows in a row with the RTT near the no-load one and no drop. */
  private nearStreak = 0;
  /** When the first window of `nearStreak` started, ms. */
  private nearSince = 0;
  /** Whether latency has been near the no-load RTT long enough that the learned ceiling is outdated. */
  private recovered = false;
  /**
   * Whether the limit grew multiplicatively and has not been cut back to `growthBase` since: a cut is then whole,
   * not smoothed (it undoes the overshoot within a round or two), but not below `growthBase`.
   */
  private overshooting = false;
  /** The limit before the last multiplicative growth (latency held there). */
  private growthBase = 0;
  /**
   * When the limit last changed multiplicatively (a whole cut or fast growth): requests sent before it measure
   * the old limit, not this one, and are left out of the next window.
   */
  private changedAt = -Infinity;
  /**
   * After a whole cut, until the next window closes: how long the requests in flight above the new limit (the
   * client's own excess) take to drain, ms (the RTT that caused the cut); 0 otherwise. A newcomer may wait that
   * much longer rather than be shed for the client's own excess (critical requests would be).
   */
  private drainMs = 0;
  /** Whether the last closed window had a dropped request. */
  private lastDropped = false;
  /** How busy the client's event loop was over each window (and probe): no probe runs on a busy loop. */
  private readonly loopLoad: LoopLoad;

  constructor(options: AdaptiveConcurrencyLimiterOptions = {}) {
    this.settings = normalizeLimiterSettings(options);
    this.cluster = options.cluster ?? 'default';
    this.clock = options.clock ?? monotonicClock;
    this.bus = options.bus;
    this.loopLoad = new LoopLoad(options.eventLoopUtilization);
    this.estimate = this.settings.initialLimit;
    this.windowStart = this.clock();
  }

  /** Requests that may be in flight now. */
  get limit(): number {
    if (this.probing) return this.probeLimit;
    return Math.max(this.settings.minLimit, Math.floor(this.estimate));
  }

  /**
   * How long a request that finds no free slot may wait for one, ms: `maxQueueWaitRtts ×` the
   * no-load RTT (plus the drain of a whole cut), at least `MIN_FAIL_FAST_WAIT_MS` (20 ms; 0 when
   * `maxQueueWaitRtts` is 0), while latency is elevated (the last window's RTT was
   * not near the no-load one, or it had a drop) or the limit sits at the ceiling learned under
   * congestion; otherwise undefined: the class's queue timeout bounds it while the limit grows.
   */
  get maxQueueWaitMs(): number | undefined {
    // A probe holds the limit below the capacity on purpose, for a round trip or two: waiting it out is its cost.
    if (this.probing) return undefined;
    // At the capacity learned under congestion, until latency has been back near no-load for a few windows.
    const atCapacity = this.estimate >= this.growthCeiling && !this.recovered;
    if (!this.elevated && !atCapacity) return undefined;
    const rtts = this.settings.maxQueueWaitRtts;
    if (rtts === 0) return 0;
    return Math.max(MIN_FAIL_FAST_WAIT_MS, rtts * this.baselines.typicalMs + this.drainMs);
  }

  /**
   * Whether the limit grows multiplicatively the next time it binds (slow start: latency not elevated, below the
   * ceiling learned under congestion or recovered from it, below `maxLimit`, no probe): an estimated queue time
   * from the current limit overstates the wait, so the scheduler does not shed by it.
   */
  get growing(): boolean {
    if (this.probing || this.elevated) return false;
    if (this.estimate >= this.settings.maxLimit) return false;
    return this.estimate < this.growthCeiling || this.recovered;
  }

  /**
   * The no-load RTT the limit is measured against, ms (0 before the first window closed): with
   * endpoints of different speeds, the median of the last window's samples' own endpoints' no-load RTTs.
   */
  get baselineRttMs(): number {
    return this.baselines.typicalMs;
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
      this.windowEndpoints.push(sample.endpoint ?? '');
      if (this.baselines.probeDone(this.windowRtts, this.windowEndpoints, this.settings.minWindowSamples))
        this.endProbe(now);
      return;
    }
    // Sent before the limit last changed multiplicatively: it measures the old limit (the upstream's queue
    // built by the old limit drains for a round trip after a cut; counting it would cut again, and again).
    if (now - sample.rttMs < this.changedAt) return;
    // A dropped request is an overload signal of its own; its RTT (a 503 answered at once, a timeout) says
    // nothing about the upstream's service time and would drag the no-load baseline down (or up).
    if (sample.dropped !== true) {
      this.windowRtts.push(sample.rttMs);
      this.windowEndpoints.push(sample.endpoint ?? '');
    }
    const count = ++this.windowSamples;
    this.windowMaxInflight = Math.max(this.windowMaxInflight, sample.inflight);
    this.windowDropped ||= sample.dropped === true;
    this.windowMaxQueued = Math.max(this.windowMaxQueued, sample.queued ?? 0);
    // A binding window (in-flight reached the limit, or requests waited for a slot) closes after one round
    // of the limit, not after windowMs: growth in slow start and a cut under congestion both take one round trip.
    // Below minWindowSamples too when in-flight reached the limit: at limit 1 a window of 10 samples is 10 round
    // trips (10 s to a 1 s upstream healing from a storm of 503s).
    const bound = this.windowMaxInflight >= this.limit;
    const binding = bound || this.windowMaxQueued > 0;
    const roundDone = binding && count >= this.limit;
    if (count < this.settings.minWindowSamples && !(bound && roundDone)) return;
    if (!roundDone && now - this.windowStart < this.settings.windowMs) return;
    this.closeWindow(now, binding);
  }

  /** Ends the window: the baselines, the limit and the fail-fast state learn from it. */
  private closeWindow(now: number, binding: boolean): void {
    const o = this.settings;
    const dropped = this.windowDropped;
    const loopBusy = this.loopLoad.sinceLast() >= PROBE_BUSY_UTILIZATION;
    // The window's RTT as a multiple of the no-load one; undefined when every sample was dropped (no RTT).
    const shortRatio = this.baselines.learnWindow(
      this.windowRtts,
      this.windowEndpoints,
      now,
      o.minWindowSamples,
      o.probeIntervalMs,
    );
    const usedInflight = this.windowMaxInflight;
    const queued = this.windowMaxQueued;
    const started = this.windowStart;
    this.resetWindow(now);
    const before = this.limit;
    // Only drops (dropped requests have no RTT): the ratio does not matter, the gradient is 0.5.
    const ratio = shortRatio ?? Infinity;
    const nearNoLoad = ratio <= 1 + NEAR_NO_LOAD * (o.rttTolerance - 1);
    const gradient = dropped ? 0.5 : Math.max(0.5, Math.min(1, o.rttTolerance / ratio));
    this.elevated = dropped || !nearNoLoad;
    this.nearStreak = this.elevated ? 0 : this.nearStreak + 1;
    if (this.nearStreak === 1) this.nearSince = started;
    this.recovered = this.nearStreak >= RECOVERED_WINDOWS && now - this.nearSince >= o.windowMs;
    this.drainMs = 0;
    const startsDropRun = dropped && !this.lastDropped;
    this.lastDropped = dropped;
    if (!dropped && !binding && usedInflight < this.estimate / 2) {
      // App-limited: nothing learned about capacity while latency is normal. When it rose beyond the tolerance
      // (the upstream degraded while the client sends less than the limit allows), the unused headroom goes:
      // the limit is capped at the in-flight the window used, so the next window binds and its gradient cuts.
      // Never below what the client sends, so noise cannot shrink it further.
      if (gradient < 1) {
        this.estimate = this.clamp(Math.min(this.estimate, usedInflight));
        this.overshooting = false;
      }
    } else if (gradient < 1) {
      // Congestion: a run of drops halves the ceiling once (not at every window of the run, which would
      // leave a healed upstream to additive growth from the bottom); rising latency sets it to the new limit.
      if (startsDropRun) this.growthCeiling = Math.min(this.growthCeiling, this.estimate / 2);
      const target = this.estimate * gradient;
      // Right after multiplicative growth the cut is whole: it undoes the overshoot within a round or two.
      if (this.overshooting) {
        this.estimate = this.clamp(Math.max(target, this.growthBase));
        this.overshooting = this.estimate > this.growthBase;
        this.changedAt = now;
        this.drainMs = shortRatio === undefined ? 0 : shortRatio * this.baselines.typicalMs;
      } else {
        this.estimate = this.clamp((1 - o.smoothing) * this.estimate + o.smoothing * target);
      }
      if (!dropped) this.growthCeiling = this.estimate;
    } else if (binding && (this.estimate < this.growthCeiling || this.recovered)) {
      // The limit holds requests back and latency holds: grow fast (slow start), to the demand seen if
      // that is more than twice the limit, up to the ceiling. At the ceiling with the RTT near the no-load
      // one, what was learned there no longer holds (the upstream recovered or grew): the ceiling goes.
      if (this.estimate >= this.growthCeiling) this.growthCeiling = Infinity;
      const grown = Math.max(2 * this.estimate, this.estimate + queued);
      this.growthBase = this.estimate;
      this.estimate = this.clamp(Math.max(this.estimate, Math.min(this.growthCeiling, grown)));
      this.overshooting = true;
      this.changedAt = now;
    } else {
      this.estimate = this.clamp(
        (1 - o.smoothing) * this.estimate + o.smoothing * (this.estimate + o.queueSize),
      );
      this.overshooting = false;
    }
    if (!loopBusy && now - this.baselines.oldestConfirmedAt >= o.probeIntervalMs)
      this.probeLimit = this.probeLimitFor(this.estimate);
    this.announce(before);
  }

  private endProbe(now: number): void {
    const before = this.limit;
    // A probe on a busy loop measured less of the client's own queueing than the windows hold: it teaches nothing.
    if (this.loopLoad.sinceLast() < PROBE_BUSY_UTILIZATION)
      this.baselines.learnProbe(this.windowRtts, this.windowEndpoints, now, this.settings.probeIntervalMs);
    else this.baselines.confirmAll(now);
    this.probeLimit = 0;
    // Requests sent during the probe measure its limit, not the one restored; the excess of a cut drained in it.
    this.changedAt = now;
    this.drainMs = 0;
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
    this.windowRtts.length = 0;
    this.windowEndpoints.length = 0;
    this.windowMaxInflight = 0;
    this.windowDropped = false;
    this.windowMaxQueued = 0;
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
