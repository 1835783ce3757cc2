import {
  ConfigError,
  OverloadedError,
  QueueTimeoutError,
  RequestAbortedError,
  TOKENS,
  type QosClassConfig,
  type RoutingStats,
} from '@slipstream/contracts';
import { inject, injectable, optional } from 'inversify';
import { monotonicClock, type Clock } from '../clock';
import { UnknownQosClassError } from '../errors/UnknownQosClassError';
import type { EventPublisher } from '../events/publishEvent';
import {
  AdaptiveConcurrencyLimiter,
  type AdaptiveConcurrencyLimiterOptions,
} from '../limit/AdaptiveConcurrencyLimiter';
import type { ConcurrencyLimit } from '../limit/ConcurrencyLimit';
import { FixedConcurrencyLimit } from '../limit/FixedConcurrencyLimit';
import { TokenBucket } from '../shaping/TokenBucket';
import { ROUTING_TOKENS } from '../routingTokens';
import { DEFAULT_QOS_CLASSES, normalizeQosClasses, type NormalizedQosClass } from './normalizeQosClasses';
import type { Permit, PermitOutcome } from './Permit';
import { RollingPercentile } from './RollingPercentile';

/** Options of a {@link QosScheduler}. */
export interface QosSchedulerOptions {
  /** The QoS classes. Defaults to critical / standard / bulk (see `DEFAULT_QOS_CLASSES`). */
  classes?: readonly QosClassConfig[];
  /** Per-cluster concurrency limit: adaptive unless `enabled: false` (then fixed at `initialLimit`). Defaults to adaptive with its own defaults. */
  concurrency?: Omit<AdaptiveConcurrencyLimiterOptions, 'cluster' | 'clock' | 'bus'> & { enabled?: boolean };
  /** Queue-wait samples kept per class for the p99. Defaults to 1_024. */
  waitSamples?: number;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
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
  waits: RollingPercentile;
}

/** One cluster: its limit, in-flight count and per-class queues. */
interface ClusterState {
  name: string;
  limit: ConcurrencyLimit;
  inflight: number;
  queues: Map<ClassState, Waiter[]>;
  /** Stride-scheduling pass per class, and the virtual time per priority level. */
  pass: Map<ClassState, number>;
  vtime: Map<number, number>;
  /** EWMA of measured round-trip times, ms; 0 before the first release. */
  rttMs: number;
}

const DEFAULTS = Object.freeze({ waitSamples: 1_024, rttAlpha: 0.1 });

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
 *   refused at once. The estimate is `(requests ahead + 1) × mean RTT ÷ limit`, counting the
 *   queues of higher priority and its share of equal priority, from the measured RTT; lower
 *   classes wait behind more, so they are shed first. Before shedding the newcomer, queued
 *   requests of classes served before or with it that have a lower `shedOrder` are shed,
 *   newest first, until its estimate fits, if shedding them all would make it fit (under overload `standard` pushes out `bulk`, not
 *   the reverse). A full class queue (`maxQueue`) sheds the newcomer: the bound is per class.
 *   Shed requests get an `OverloadedError` whose `retryAfterMs` is the measured time to drain
 *   the cluster's queue.
 * - **Queue timeout**: a request that waited `queueTimeoutMs` rejects with `QueueTimeoutError`
 *   (it was admitted to the queue, so its wait is the fact to report, not overload; both are
 *   retryable). It counts as shed in the stats.
 */
@injectable()
export class QosScheduler {
  private readonly classes = new Map<string, ClassState>();
  private readonly clusters = new Map<string, ClusterState>();
  private readonly clock: Clock;
  private readonly waitSamples: number;
  private readonly newLimit: (cluster: string) => ConcurrencyLimit;

  constructor(
    @inject(ROUTING_TOKENS.QosSchedulerOptions) @optional() options: QosSchedulerOptions = {},
    @inject(TOKENS.EventBus) @optional() bus?: EventPublisher,
  ) {
    this.clock = options.clock ?? monotonicClock;
    this.waitSamples = options.waitSamples ?? DEFAULTS.waitSamples;
    if (!(Number.isInteger(this.waitSamples) && this.waitSamples >= 1)) {
      throw new ConfigError([
        { path: 'waitSamples', expected: 'an integer ≥ 1', received: String(this.waitSamples) },
      ]);
    }
    const { enabled = true, ...limiter } = options.concurrency ?? {};
    const make = (cluster: string): ConcurrencyLimit =>
      enabled
        ? new AdaptiveConcurrencyLimiter({ ...limiter, cluster, clock: this.clock, bus })
        : new FixedConcurrencyLimit(limiter.initialLimit ?? 20);
    make('validation'); // validates the limiter options now rather than on the first request
    this.newLimit = make;
    this.setClasses(options.classes ?? DEFAULT_QOS_CLASSES);
  }

  /** The names of the classes requests may use. */
  get classNames(): string[] {
    return [...this.classes].filter(([, c]) => !c.retired).map(([name]) => name);
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
          waits: new RollingPercentile(this.waitSamples),
        });
    }
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
    const buckets = [options.bucket, cls.bucket].filter((b): b is TokenBucket => b !== undefined);
    const refillMs = Math.max(0, ...buckets.map((b) => b.waitTimeMs(1, now)));
    if (refillMs > 0) {
      cls.shed++;
      return Promise.reject(
        new OverloadedError(`rate limit of class "${className}" or its route reached`, Math.ceil(refillMs)),
      );
    }
    for (const b of buckets) b.tryTake(1, now);

    const c = this.cluster(cluster);
    if (c.inflight < c.limit.limit && this.queuedIn(c) === 0)
      return Promise.resolve(this.grant(c, cls, now, now));

    const queue = this.queueOf(c, cls);
    if (queue.length >= cls.config.maxQueue) {
      return Promise.reject(
        this.shed(cls, `queue of class "${className}" is full (${cls.config.maxQueue})`, c),
      );
    }
    let estimate = this.estimateWaitMs(c, cls);
    if (estimate !== undefined && estimate > cls.config.queueTimeoutMs) {
      // Shed others only when that is enough: the estimate with every eligible victim gone.
      const best = this.estimateWaitMs(c, cls, (other) => this.isVictimClass(other.config, cls.config))!;
      if (best > cls.config.queueTimeoutMs) {
        const why = `estimated queue time ${Math.round(estimate)} ms exceeds ${cls.config.queueTimeoutMs} ms`;
        return Promise.reject(this.shed(cls, why, c));
      }
    }
    while (estimate !== undefined && estimate > cls.config.queueTimeoutMs) {
      const victim = this.findVictim(c, cls.config)!;
      this.remove(victim);
      victim.reject(this.shed(victim.cls, `shed for class "${className}" under overload`, c));
      estimate = this.estimateWaitMs(c, cls);
    }
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
    });
  }

  /** Measured state: per class admitted, shed, queued now, p99 queue wait; per cluster the limit now. */
  stats(): Pick<RoutingStats, 'classes' | 'concurrencyLimits'> & { inflight: Record<string, number> } {
    const classes: RoutingStats['classes'] = {};
    for (const [name, s] of this.classes) {
      let queued = 0;
      for (const c of this.clusters.values()) queued += c.queues.get(s)?.length ?? 0;
      classes[name] = { admitted: s.admitted, shed: s.shed, queued, queueWaitP99Ms: s.waits.quantile(0.99) };
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
        limit: this.newLimit(name),
        inflight: 0,
        queues: new Map(),
        pass: new Map(),
        vtime: new Map(),
        rttMs: 0,
      };
      this.clusters.set(name, c);
    }
    return c;
  }

  private queueOf(c: ClusterState, cls: ClassState): Waiter[] {
    let q = c.queues.get(cls);
    if (!q) c.queues.set(cls, (q = []));
    return q;
  }

  private queuedIn(c: ClusterState): number {
    let n = 0;
    for (const q of c.queues.values()) n += q.length;
    return n;
  }

  /** Requests ahead of a newcomer of `cls`, times the measured time per slot; undefined before any RTT is measured. */
  private estimateWaitMs(
    c: ClusterState,
    cls: ClassState,
    ignore?: (other: ClassState) => boolean,
  ): number | undefined {
    if (c.rttMs === 0) return undefined;
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
    return ((ahead + share + 1) * c.rttMs) / c.limit.limit;
  }

  private drainMs(c: ClusterState, cls: ClassState): number {
    return c.rttMs === 0 ? cls.config.queueTimeoutMs : ((this.queuedIn(c) + 1) * c.rttMs) / c.limit.limit;
  }

  private shed(cls: ClassState, why: string, c: ClusterState): OverloadedError {
    cls.shed++;
    return new OverloadedError(
      `cluster "${c.name}" overloaded: ${why}`,
      Math.max(1, Math.ceil(this.drainMs(c, cls))),
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
    if (i !== -1) q!.splice(i, 1);
  }

  private grant(c: ClusterState, cls: ClassState, enqueuedAt: number, now: number): Permit {
    c.inflight++;
    cls.admitted++;
    cls.waits.add(now - enqueuedAt);
    const inflight = c.inflight;
    let released = false;
    return {
      cluster: c.name,
      className: cls.config.name,
      queuedMs: now - enqueuedAt,
      release: (outcome: PermitOutcome) => {
        if (released) return;
        released = true;
        c.inflight--;
        c.rttMs = c.rttMs === 0 ? outcome.rttMs : c.rttMs + DEFAULTS.rttAlpha * (outcome.rttMs - c.rttMs);
        c.limit.onSample({ rttMs: outcome.rttMs, inflight, dropped: outcome.dropped });
        this.dispatch(c);
      },
    };
  }

  private dispatch(c: ClusterState): void {
    while (c.inflight < c.limit.limit) {
      const next = this.next(c);
      if (!next) return;
      this.remove(next);
      next.resolve(this.grant(c, next.cls, next.enqueuedAt, this.clock()));
    }
  }

  /** Strict priority, then the lowest stride pass among the level's backlogged classes. */
  private next(c: ClusterState): Waiter | undefined {
    let best: ClassState | undefined;
    for (const [cls, q] of c.queues) {
      if (q.length === 0) continue;
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

function aborted(signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError('the request was aborted while waiting for admission', {
    cause: signal.reason,
  });
}
