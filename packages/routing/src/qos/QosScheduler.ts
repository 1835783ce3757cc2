import {
  ConfigError,
  OverloadedError,
  QueueTimeoutError,
  RequestAbortedError,
  type QosClassConfig,
} from '@slipstream/contracts';
import { monotonicClock, type Clock } from '../clock';
import { UnknownQosClassError } from '../errors/UnknownQosClassError';
import type { EventPublisher } from '../events/publishEvent';
import { AdaptiveConcurrencyLimiter } from '../limit/AdaptiveConcurrencyLimiter';
import type { ConcurrencyLimit } from '../limit/ConcurrencyLimit';
import type { EventLoopUtilizationFn } from '../limit/LoopLoad';
import { FixedConcurrencyLimit } from '../limit/FixedConcurrencyLimit';
import {
  normalizeLimiterSettings,
  type AdaptiveLimiterSettings,
  type NormalizedLimiterSettings,
} from '../limit/normalizeLimiterSettings';
import { TokenBucket } from '../shaping/TokenBucket';
import { DEFAULT_QOS_CLASSES, normalizeQosClasses, type NormalizedQosClass } from './normalizeQosClasses';
import type { Permit, PermitOutcome } from './Permit';
import type { QosSchedulerStats } from './QosSchedulerStats';
import { RateMeter } from './RateMeter';
import { RollingPercentile } from './RollingPercentile';

/** Concurrency settings of a {@link QosScheduler}: adaptive unless `enabled: false` (then fixed at `initialLimit`). */
export type ConcurrencySettings = AdaptiveLimiterSettings & {
  /** Adapt the limit to measured latency. Defaults to true. */
  enabled?: boolean;
};

/** Options of a {@link QosScheduler}. */
export interface QosSchedulerOptions {
  /** The QoS classes. Defaults to critical / standard / bulk (see `DEFAULT_QOS_CLASSES`). */
  classes?: readonly QosClassConfig[];
  /** Per-cluster concurrency limit: adaptive unless `enabled: false` (then fixed at `initialLimit`). Defaults to adaptive with its own defaults. */
  concurrency?: ConcurrencySettings;
  /** Queue-wait samples kept per class for the p99. Defaults to 1_024. */
  waitSamples?: number;
  /** Time constant of the measured per-class arrival rates, ms. Defaults to 1_000 ms. */
  arrivalRateWindowMs?: number;
  /** Share of a class's queue timeout an admitted request's estimated wait must leave free (absorbs swings of the limit and RTT), 0..1. Defaults to 0.1. */
  queueTimeoutHeadroom?: number;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
  /**
   * Where the adaptive limiters read how busy the client's event loop was (see `AdaptiveConcurrencyLimiterOptions`).
   * Defaults to Node's `performance.eventLoopUtilization`; a test on a simulated clock passes an idle stand-in.
   */
  eventLoopUtilization?: EventLoopUtilizationFn;
}

/** Options of one `acquire`. */
export interface AcquireOptions {
  /** Aborting removes the waiter; the promise rejects with `RequestAbortedError`. */
  signal?: AbortSignal;
  /** A route's token bucket, checked with the class's own. */
  bucket?: TokenBucket;
}

/** A request waiting for a permit. */
interface Waiter {
  cls: ClassState;
  cluster: ClusterState;
  enqueuedAt: number;
  resolve(permit: Permit): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Counters and config of one class (shared by all clusters). */
interface ClassState {
  config: NormalizedQosClass;
  bucket: TokenBucket | undefined;
  retired: boolean;
  admitted: number;
  shed: number;
  timedOut: number;
  rateLimited: number;
  waits: RollingPercentile;
}

/** One cluster: its limit, in-flight count and per-class queues. */
interface ClusterState {
  name: string;
  limit: ConcurrencyLimit;
  inflight: number;
  /** In-flight requests per class, for the classes' `maxInflightShare`. */
  inflightByClass: Map<ClassState, number>;
  /** Requests waiting in all of `queues`, kept as they enter and leave. */
  queued: number;
  queues: Map<ClassState, Waiter[]>;
  /** Measured rate of requests per class that were granted or queued (not shed), per ms. */
  arrivals: Map<ClassState, RateMeter>;
  /** Stride-scheduling pass per class, and the virtual time per priority level. */
  pass: Map<ClassState, number>;
  vtime: Map<number, number>;
  /** EWMA of measured round-trip times, ms; 0 before the first sample. */
  rttMs: number;
}

const DEFAULTS = Object.freeze({
  waitSamples: 1_024,
  arrivalRateWindowMs: 1_000,
  queueTimeoutHeadroom: 0.1,
  rttAlpha: 0.1,
});

/**
 * Admission control per cluster: a concurrency limit (adaptive by default) in front of
 * per-class queues.
 *
 * - **Order**: strict priority between priorities (lower first); among classes of equal
 *   priority, weighted fair sharing by stride scheduling (each dispatch advances the class's
 *   pass by `1 / weight`; the lowest pass goes next).
 * - **Shaping**: the class's token bucket and the route's (`options.bucket`); an empty bucket
 *   sheds at once with `OverloadedError`, `retryAfterMs` = time until a token.
 * - **Shedding**: a request whose estimated queue time is beyond its class's queue timeout is
 *   refused at once (with `queueTimeoutHeadroom`, 10 %, of the timeout kept free). The estimate is `(requests ahead + 1) ÷ (limit ÷ mean RTT − arrival rate
 *   of higher priorities)`: the requests ahead count the queues of higher priority and its
 *   share of equal priority; the cluster serves `limit ÷ RTT` a ms (measured RTT), of which the
 *   higher priorities keep taking their measured arrival rate while it waits. Lower classes
 *   wait behind more, so they are shed first, and under sustained overload they are refused at
 *   admission rather than queued until they time out. Before shedding the newcomer, queued
 *   requests of classes served before or with it that have a lower `shedOrder` are shed,
 *   newest first, until its estimate fits, if shedding them all would make it fit (under overload `standard` pushes out `bulk`, not
 *   the reverse). A full class queue (`maxQueue`) sheds the newcomer: the bound is per class.
 *   Shed requests get an `OverloadedError` whose `retryAfterMs` is that estimated queue time
 *   (the class's queue timeout when higher priorities take the whole cluster).
 * - **Queue timeout**: a request that waited `queueTimeoutMs` rejects with `QueueTimeoutError`
 *   (it was admitted to the queue, so its wait is the fact to report, not overload; both are
 *   retryable). It counts as shed in the stats, and as `timedOut`.
 * - **Concurrency**: one limit per cluster, adaptive by default; `setConcurrency` changes the
 *   settings at run time. A class with `maxInflightShare` below 1 holds at most that share of
 *   the limit (at least one request); its requests queue beyond it while other classes take
 *   the free slots at once (Envoy's per-priority request thresholds, as a share).
 */
export class QosScheduler {
  private readonly classes = new Map<string, ClassState>();
  private readonly clusters = new Map<string, ClusterState>();
  private readonly clock: Clock;
  private readonly eventLoopUtilization: EventLoopUtilizationFn | undefined;
  private readonly waitSamples: number;
  private readonly arrivalRateWindowMs: number;
  private readonly headroom: number;
  private readonly bus: EventPublisher | undefined;
  private concurrency: { enabled: boolean; settings: NormalizedLimiterSettings };

  constructor(options: QosSchedulerOptions = {}, bus?: EventPublisher) {
    this.clock = options.clock ?? monotonicClock;
    this.eventLoopUtilization = options.eventLoopUtilization;
    this.waitSamples = options.waitSamples ?? DEFAULTS.waitSamples;
    this.arrivalRateWindowMs = options.arrivalRateWindowMs ?? DEFAULTS.arrivalRateWindowMs;
    this.headroom = options.queueTimeoutHeadroom ?? DEFAULTS.queueTimeoutHeadroom;
    this.bus = bus;
    if (!(Number.isInteger(this.waitSamples) && this.waitSamples >= 1)) {
      throw new ConfigError([
        { path: 'waitSamples', expected: 'an integer ≥ 1', received: String(this.waitSamples) },
      ]);
    }
    if (!(Number.isFinite(this.arrivalRateWindowMs) && this.arrivalRateWindowMs > 0)) {
      throw new ConfigError([
        {
          path: 'arrivalRateWindowMs',
          expected: 'a positive finite number of ms',
          received: String(this.arrivalRateWindowMs),
        },
      ]);
    }
    if (!(this.headroom >= 0 && this.headroom < 1)) {
      throw new ConfigError([
        { path: 'queueTimeoutHeadroom', expected: 'a number in [0, 1)', received: String(this.headroom) },
      ]);
    }
    this.concurrency = this.resolveConcurrency(options.concurrency ?? {}, undefined);
    this.setClasses(options.classes ?? DEFAULT_QOS_CLASSES);
  }

  /** The names of the classes requests may use. */
  get classNames(): string[] {
    return [...this.classes].filter(([, c]) => !c.retired).map(([name]) => name);
  }

  /**
   * Refuses a class requests may not use with `UnknownQosClassError` naming the known ones (a
   * caller's mistake, checked before the request is counted anywhere); a known class passes.
   */
  checkClass(className: string): void {
    const cls = this.classes.get(className);
    if (!cls || cls.retired) throw new UnknownQosClassError(className, this.classNames);
  }

  /**
   * Replaces the classes at run time, after validating them (a `ConfigError` with every
   * reason keeps the old ones). A removed class takes no new requests; its queued ones are
   * still served.
   */
  setClasses(classes: readonly QosClassConfig[]): void {
    const normalized = normalizeQosClasses(classes);
    for (const state of this.classes.values()) state.retired = true;
    for (const config of normalized) {
      const bucket = config.rateLimit && new TokenBucket({ ...config.rateLimit, clock: this.clock });
      const state = this.classes.get(config.name);
      if (state) Object.assign(state, { config, bucket, retired: false });
      else
        this.classes.set(config.name, {
          config,
          bucket,
          retired: false,
          admitted: 0,
          shed: 0,
          timedOut: 0,
          rateLimited: 0,
          waits: new RollingPercentile(this.waitSamples),
        });
    }
    // A class whose in-flight share rose may take free slots now.
    for (const c of this.clusters.values()) this.dispatch(c);
  }

  /**
   * Waits for leave to send one request of class `className` to `cluster`. Rejects with
   * `OverloadedError` when shed, `QueueTimeoutError` after the class's queue timeout,
   * `RequestAbortedError` when `signal` aborts, `UnknownQosClassError` for an unknown class.
   */
  acquire(cluster: string, className: string, options: AcquireOptions = {}): Promise<Permit> {
    const cls = this.classes.get(className);
    if (!cls || cls.retired) return Promise.reject(new UnknownQosClassError(className, this.classNames));
    if (options.signal?.aborted) return Promise.reject(aborted(options.signal));
    const now = this.clock();
    const routeBucket = options.bucket;
    const classBucket = cls.bucket;
    const refillMs = Math.max(routeBucket?.waitTimeMs(1, now) ?? 0, classBucket?.waitTimeMs(1, now) ?? 0);
    if (refillMs > 0) {
      cls.shed++;
      cls.rateLimited++;
      return Promise.reject(
        new OverloadedError(`rate limit of class "${className}" or its route reached`, Math.ceil(refillMs)),
      );
    }

    const c = this.cluster(cluster);
    // Queued requests go first; those left queued are of classes at their in-flight share.
    if (c.queued > 0 && this.hasRoom(c, cls)) this.dispatch(c);
    if (this.hasRoom(c, cls)) {
      // Tokens are taken only by requests that are admitted or queued: a refused one keeps the rate.
      routeBucket?.tryTake(1, now);
      classBucket?.tryTake(1, now);
      this.arrivalsOf(c, cls).record(now);
      return Promise.resolve(this.grant(c, cls, now, now));
    }

    const queue = this.queueOf(c, cls);
    let estimate = this.estimateWaitMs(c, cls, now);
    if (queue.length >= cls.config.maxQueue) {
      const why = `queue of class "${className}" is full (${cls.config.maxQueue})`;
      return Promise.reject(this.shed(cls, why, c, estimate));
    }
    // Under congestion an adaptive limit is the upstream's capacity: waiting beyond a short bound only
    // moves the upstream's queue into this one, so the excess is shed at once instead.
    const maxWaitMs = Math.min(
      (1 - this.headroom) * cls.config.queueTimeoutMs,
      c.limit.maxQueueWaitMs ?? Infinity,
    );
    // While the limit is about to grow (slow start), the estimate from the current limit overstates the wait:
    // nothing is shed by it (a cold burst to a slow upstream would shed the requests just after it).
    if (c.limit.growing === true) estimate = undefined;
    if (estimate !== undefined && estimate > maxWaitMs) {
      // Shed others only when that is enough: the estimate with every eligible victim gone.
      const best = this.estimateWaitMs(c, cls, now, (other) => this.isVictimClass(other.config, cls.config))!;
      if (best > maxWaitMs) {
        const why = `estimated queue time ${Math.round(estimate)} ms exceeds ${Math.round(maxWaitMs)} ms`;
        return Promise.reject(this.shed(cls, why, c, estimate));
      }
    }
    while (estimate !== undefined && estimate > maxWaitMs) {
      const victim = this.findVictim(c, cls.config)!;
      this.remove(victim);
      const why = `shed for class "${className}" under overload`;
      victim.reject(this.shed(victim.cls, why, c, this.estimateWaitMs(c, victim.cls, now)));
      estimate = this.estimateWaitMs(c, cls, now);
    }
    routeBucket?.tryTake(1, now);
    classBucket?.tryTake(1, now);
    this.arrivalsOf(c, cls).record(now);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        cls,
        cluster: c,
        enqueuedAt: now,
        resolve,
        reject,
        signal: options.signal,
        onAbort: undefined,
        timer: setTimeout(() => {
          this.remove(waiter);
          cls.shed++;
          cls.timedOut++;
          reject(
            new QueueTimeoutError(
              `waited ${cls.config.queueTimeoutMs} ms in the queue of class "${className}"`,
            ),
          );
        }, cls.config.queueTimeoutMs),
      };
      waiter.timer.unref();
      if (options.signal) {
        const signal = options.signal;
        waiter.onAbort = () => {
          this.remove(waiter);
          reject(aborted(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (queue.length === 0) {
        // A class that was idle joins at the level's virtual time: no credit hoarded while idle.
        const level = cls.config.priority;
        c.pass.set(cls, Math.max(c.pass.get(cls) ?? 0, c.vtime.get(level) ?? 0));
      }
      queue.push(waiter);
      c.queued++;
    });
  }

  /**
   * Changes the concurrency settings at run time; omitted fields keep their value. Validated
   * first: an invalid update throws a `ConfigError` naming the field and nothing changes.
   * Adaptive limits keep what they learned (clamped into the new bounds); switching `enabled`
   * replaces every cluster's limit (a fixed one sits at `initialLimit`). Requests in flight
   * keep their permits; queued ones are dispatched at once if the limit rose.
   */
  setConcurrency(update: ConcurrencySettings): void {
    const next = this.resolveConcurrency(update, this.concurrency);
    const switched = next.enabled !== this.concurrency.enabled;
    const replacements = new Map<ClusterState, ConcurrencyLimit>();
    for (const c of this.clusters.values()) {
      if (switched || !next.enabled) replacements.set(c, this.newLimit(c.name, next));
    }
    this.concurrency = next;
    for (const c of this.clusters.values()) {
      const replacement = replacements.get(c);
      if (replacement) c.limit = replacement;
      else if (c.limit instanceof AdaptiveConcurrencyLimiter) c.limit.update(next.settings);
      this.dispatch(c);
    }
  }

  /** The concurrency settings in force, every default filled in. */
  get concurrencySettings(): Readonly<ConcurrencySettings> {
    return { enabled: this.concurrency.enabled, ...this.concurrency.settings };
  }

  /** Measured state: per class admitted, shed (of which timed out or rate-limited), queued now, p99 queue wait; per cluster the limit and in-flight now. */
  stats(): QosSchedulerStats {
    const classes: QosSchedulerStats['classes'] = {};
    for (const [name, s] of this.classes) {
      let queued = 0;
      for (const c of this.clusters.values()) queued += c.queues.get(s)?.length ?? 0;
      classes[name] = {
        admitted: s.admitted,
        shed: s.shed,
        timedOut: s.timedOut,
        rateLimited: s.rateLimited,
        queued,
        queueWaitP99Ms: s.waits.quantile(0.99),
      };
    }
    const concurrencyLimits: Record<string, number> = {};
    const inflight: Record<string, number> = {};
    for (const [name, c] of this.clusters) {
      concurrencyLimits[name] = c.limit.limit;
      inflight[name] = c.inflight;
    }
    return { classes, concurrencyLimits, inflight };
  }

  private cluster(name: string): ClusterState {
    let c = this.clusters.get(name);
    if (!c) {
      c = {
        name,
        limit: this.newLimit(name, this.concurrency),
        inflight: 0,
        inflightByClass: new Map(),
        queued: 0,
        queues: new Map(),
        arrivals: new Map(),
        pass: new Map(),
        vtime: new Map(),
        rttMs: 0,
      };
      this.clusters.set(name, c);
    }
    return c;
  }

  /** Validates `update` over `base` (the defaults when undefined) and checks the limit it makes. */
  private resolveConcurrency(
    update: ConcurrencySettings,
    base: { enabled: boolean; settings: NormalizedLimiterSettings } | undefined,
  ): { enabled: boolean; settings: NormalizedLimiterSettings } {
    const { enabled, ...settings } = update;
    const next = {
      enabled: enabled ?? base?.enabled ?? true,
      settings: normalizeLimiterSettings(settings, base?.settings),
    };
    this.newLimit('validation', next); // a fixed limit must be an integer
    return next;
  }

  private newLimit(
    cluster: string,
    { enabled, settings }: { enabled: boolean; settings: NormalizedLimiterSettings },
  ): ConcurrencyLimit {
    return enabled
      ? new AdaptiveConcurrencyLimiter({
          ...settings,
          cluster,
          clock: this.clock,
          eventLoopUtilization: this.eventLoopUtilization,
          bus: this.bus,
        })
      : new FixedConcurrencyLimit(settings.initialLimit);
  }

  private arrivalsOf(c: ClusterState, cls: ClassState): RateMeter {
    let meter = c.arrivals.get(cls);
    if (!meter) c.arrivals.set(cls, (meter = new RateMeter(this.arrivalRateWindowMs)));
    return meter;
  }

  private queueOf(c: ClusterState, cls: ClassState): Waiter[] {
    let q = c.queues.get(cls);
    if (!q) c.queues.set(cls, (q = []));
    return q;
  }

  /**
   * Estimated queue time of a newcomer of `cls`, ms: the requests ahead of it (queues of higher
   * priority, its share of its own level) plus itself, over the rate the cluster serves less the
   * measured arrival rate of higher priorities (Infinity when those take it all); undefined
   * before any RTT is measured. Queues of classes `ignore` accepts are left out.
   */
  private estimateWaitMs(
    c: ClusterState,
    cls: ClassState,
    now: number,
    ignore?: (other: ClassState) => boolean,
  ): number | undefined {
    if (c.rttMs === 0) return undefined;
    let higherPerMs = 0;
    for (const [other, meter] of c.arrivals)
      if (other.config.priority < cls.config.priority) higherPerMs += meter.perMs(now);
    let ahead = 0;
    let levelWeight = 0;
    let levelQueued = 0;
    for (const [other, q] of c.queues) {
      if (q.length === 0 || ignore?.(other)) continue;
      if (other.config.priority < cls.config.priority) ahead += q.length;
      else if (other.config.priority === cls.config.priority) {
        levelWeight += other.config.weight;
        levelQueued += q.length;
      }
    }
    const own = c.queues.get(cls)?.length ?? 0;
    const share =
      own === 0 ? 0 : Math.min(levelQueued, (own * (levelWeight || cls.config.weight)) / cls.config.weight);
    const servedPerMs = Math.min(c.limit.limit / c.rttMs - higherPerMs, this.capOf(c, cls) / c.rttMs);
    return servedPerMs > 0 ? (ahead + share + 1) / servedPerMs : Infinity;
  }

  /** Counts a shed request of `cls`; `retryAfterMs` is its estimated queue time when finite, else its queue timeout. */
  private shed(cls: ClassState, why: string, c: ClusterState, waitMs: number | undefined): OverloadedError {
    cls.shed++;
    const retryAfterMs = waitMs !== undefined && Number.isFinite(waitMs) ? waitMs : cls.config.queueTimeoutMs;
    return new OverloadedError(
      `cluster "${c.name}" overloaded: ${why}`,
      Math.max(1, Math.ceil(retryAfterMs)),
    );
  }

  /**
   * A queued request to shed so that one of class `config` waits less: the newest of the
   * class with the lowest `shedOrder` below `config`'s, among those served before or with it.
   */
  private findVictim(c: ClusterState, config: NormalizedQosClass): Waiter | undefined {
    let victim: ClassState | undefined;
    for (const [cls, q] of c.queues) {
      if (q.length === 0 || !this.isVictimClass(cls.config, config)) continue;
      if (!victim || cls.config.shedOrder < victim.config.shedOrder) victim = cls;
    }
    return victim && c.queues.get(victim)?.at(-1);
  }

  /** Whether requests of `other` may be shed for one of `config`: lower shedOrder, served before or with it. */
  private isVictimClass(other: NormalizedQosClass, config: NormalizedQosClass): boolean {
    return other.shedOrder < config.shedOrder && other.priority <= config.priority;
  }

  private remove(w: Waiter): void {
    clearTimeout(w.timer);
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    const q = w.cluster.queues.get(w.cls);
    const i = q?.indexOf(w) ?? -1;
    if (i === -1) return;
    q!.splice(i, 1);
    w.cluster.queued--;
  }

  /** Requests of `cls` the cluster lets in flight at once: its share of the limit, at least one. */
  private capOf(c: ClusterState, cls: ClassState): number {
    const share = cls.config.maxInflightShare;
    return share === 1 ? c.limit.limit : Math.max(1, Math.floor(share * c.limit.limit));
  }

  /** Whether the cluster has a free slot that `cls` may take. */
  private hasRoom(c: ClusterState, cls: ClassState): boolean {
    if (c.inflight >= c.limit.limit) return false;
    return cls.config.maxInflightShare === 1 || (c.inflightByClass.get(cls) ?? 0) < this.capOf(c, cls);
  }

  private grant(c: ClusterState, cls: ClassState, enqueuedAt: number, now: number): Permit {
    c.inflight++;
    c.inflightByClass.set(cls, (c.inflightByClass.get(cls) ?? 0) + 1);
    cls.admitted++;
    cls.waits.add(now - enqueuedAt);
    return new GrantedPermit(c, cls, now - enqueuedAt, this.onSample, this.onRelease);
  }

  /** Learns from one attempt of a permit's request (bound once, shared by every permit). */
  private readonly onSample = (c: ClusterState, inflight: number, outcome: PermitOutcome): void => {
    c.rttMs = c.rttMs === 0 ? outcome.rttMs : c.rttMs + DEFAULTS.rttAlpha * (outcome.rttMs - c.rttMs);
    c.limit.onSample({
      rttMs: outcome.rttMs,
      inflight,
      dropped: outcome.dropped,
      queued: c.queued,
      endpoint: outcome.endpoint,
    });
  };

  /** Returns a permit's slot and serves the queue (bound once, shared by every permit). */
  private readonly onRelease = (c: ClusterState, cls: ClassState): void => {
    c.inflight--;
    c.inflightByClass.set(cls, c.inflightByClass.get(cls)! - 1);
    this.dispatch(c);
  };

  private dispatch(c: ClusterState): void {
    while (c.queued > 0 && c.inflight < c.limit.limit) {
      const next = this.next(c);
      if (!next) return;
      this.remove(next);
      next.resolve(this.grant(c, next.cls, next.enqueuedAt, this.clock()));
    }
  }

  /** Strict priority, then the lowest stride pass among the level's backlogged classes that have room. */
  private next(c: ClusterState): Waiter | undefined {
    let best: ClassState | undefined;
    for (const [cls, q] of c.queues) {
      if (q.length === 0 || !this.hasRoom(c, cls)) continue;
      if (
        !best ||
        cls.config.priority < best.config.priority ||
        (cls.config.priority === best.config.priority && (c.pass.get(cls) ?? 0) < (c.pass.get(best) ?? 0))
      ) {
        best = cls;
      }
    }
    if (!best) return undefined;
    const pass = c.pass.get(best) ?? 0;
    c.vtime.set(best.config.priority, pass);
    c.pass.set(best, pass + 1 / best.config.weight);
    return c.queues.get(best)![0];
  }
}

/** A granted permit: one object per request (no closure), released at most once. */
class GrantedPermit implements Permit {
  readonly cluster: string;
  readonly className: string;
  /** In-flight requests of the cluster when it was granted, this one included (the limiter's sample). */
  private readonly inflight: number;
  private released = false;

  constructor(
    private readonly state: ClusterState,
    private readonly cls: ClassState,
    readonly queuedMs: number,
    private readonly onSample: (c: ClusterState, inflight: number, outcome: PermitOutcome) => void,
    private readonly onRelease: (c: ClusterState, cls: ClassState) => void,
  ) {
    this.cluster = state.name;
    this.className = cls.config.name;
    this.inflight = state.inflight;
  }

  sample(outcome: PermitOutcome): void {
    if (!this.released) this.onSample(this.state, this.inflight, outcome);
  }

  release(outcome?: PermitOutcome): void {
    if (this.released) return;
    if (outcome) this.onSample(this.state, this.inflight, outcome);
    this.released = true;
    this.onRelease(this.state, this.cls);
  }
}

function aborted(signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError('the request was aborted while waiting for admission', {
    cause: signal.reason,
  });
}
