import CircuitBreaker from 'opossum';
import { inject, injectable, optional, unmanaged } from 'inversify';
import {
  BrokenCircuitError,
  ClientClosedError,
  ConfigError,
  RequestAbortedError,
  RequestTimeoutError,
  TOKENS,
} from '@slipstream/contracts';
import type {
  BreakerEvent,
  BreakerState,
  BreakerStats,
  CircuitBreakerConfig,
  ConfigIssue,
  EventBus,
  Logger,
} from '@slipstream/contracts';
import { configIssue as issue } from '@slipstream/config';
import { BucketClock } from './BucketClock';
import { classifyAttemptError, OUTCOME_EFFECTS } from './outcome/classifyOutcome';

/**
 * Settings of the per-endpoint breakers (contracts' `CircuitBreakerConfig`, without the static
 * fallback). What counts as a failure is the outcome classifier's verdict (`OUTCOME_EFFECTS`).
 */
export type CircuitBreakerOptions = Omit<CircuitBreakerConfig, 'fallback'>;

/** Per-call settings of `execute`. */
export interface BreakerExecuteOptions<T> {
  /** What an open circuit answers instead of rejecting with `BrokenCircuitError`. */
  fallback?: (error: BrokenCircuitError) => T | Promise<T>;
  /** The caller's signal; aborting it aborts the signal passed to the function (and makes its outcome a cancellation). */
  signal?: AbortSignal;
  /**
   * The overall deadline, ms since the epoch: a failure after it is a cancellation, not the endpoint's fault,
   * unless it is the call's own timeout (`classifyAttemptError`: the endpoint held the call until the deadline).
   */
  deadline?: number;
  /** The cluster of the endpoint: its breaker uses that cluster's options (see `updateOptions`). Defaults to none. */
  cluster?: string;
  /**
   * Whether `fn` lets go of the signal (and removes its listeners) once its promise settles.
   * Then a signal that was not aborted is handed to a later call instead of making a new
   * `AbortController` per call. Defaults to false.
   */
  releasesSignal?: boolean;
}

/** How many unused AbortControllers the registry keeps for calls that release their signal. */
const SPARE_CONTROLLERS = 256;

/** Defaults of `CircuitBreakerOptions` (design brief: open after 5 failures, 60 s recovery, one half-open probe). */
export const BREAKER_DEFAULTS = Object.freeze({
  timeoutMs: 10_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 60_000,
  rollingCountTimeoutMs: 10_000,
  rollingCountBuckets: 10,
});

type Resolved = { -readonly [K in keyof typeof BREAKER_DEFAULTS]: number } & {
  cluster?: string;
};

/** What a settled call's `context` becomes (see `Call.settle`). */
const SETTLED: BreakerExecuteOptions<unknown> = Object.freeze({});

/**
 * One call through a breaker: what opossum runs, with the controller of the signal given to it.
 * It is also the listener of the caller's signal (`handleEvent`), so a call makes no closure.
 */
class Call {
  constructor(
    public run: ((signal: AbortSignal) => Promise<unknown>) | undefined,
    readonly controller: AbortController,
    /** The caller's signal and deadline, for the classifier. */
    public context: BreakerExecuteOptions<unknown>,
  ) {}

  /**
   * The classifier said the call teaches the breaker nothing (a cancellation, a local rejection):
   * its end is not counted as a success, nor, when it reopens a half-open circuit, as a failure.
   */
  ignored = false;
  /** The bucket rotations of its breaker's clock when it was fired (see `uncount`). */
  firedAt = 0;

  /** The caller's signal aborted: abort the call's. */
  handleEvent(): void {
    this.controller.abort(new RequestAbortedError('request aborted', { cause: this.context.signal?.reason }));
  }

  /**
   * The call settled: stop listening to the caller's signal and let go of the function and the
   * options, which hold the caller's request. Measured on Node 20: what a listener object still
   * holds after it was removed from an AbortSignal survives young-generation collections (it is
   * promoted), so every request through the breaker was (seen in the sidecar, whose requests
   * listen to their connection's long-lived signal).
   */
  settle(signal: AbortSignal | undefined): void {
    signal?.removeEventListener('abort', this);
    this.run = undefined;
    this.context = SETTLED;
  }
}

interface Entry {
  breaker: CircuitBreaker<[Call], unknown>;
  /** The cluster the call named, if any. */
  cluster: string | undefined;
  /** The options in force for this breaker (timeout, cluster label). */
  options: Resolved;
  state: BreakerState;
  /** When the circuit last opened (`Date.now()`): the reset timeout runs from there. */
  openedAt: number;
  lastFailure: string;
  /**
   * Set by the error filter to the call opossum will count as a success next, synchronously, though
   * the classifier ignores its outcome: that call is taken back out (`uncount`).
   */
  ignoring: Call | undefined;
  /** Rotates the breaker's window buckets, counting the rotations. */
  clock: BucketClock;
  stats: BreakerStats;
}

const TOPICS = Object.freeze({
  open: 'network.breaker.opened',
  halfOpen: 'network.breaker.halfOpen',
  closed: 'network.breaker.closed',
} as const);

/**
 * One opossum circuit breaker per endpoint key and cluster, with options per cluster. A call slower than `timeoutMs` fails and its
 * AbortSignal aborts; an error share above `errorThresholdPercentage` over at least
 * `volumeThreshold` calls in the rolling window opens the circuit; after `resetTimeoutMs`
 * it half-opens and admits exactly one probe (opossum's pending-close flag lets one call
 * through and rejects the rest), whose result closes or reopens it. An open circuit fails
 * fast with `BrokenCircuitError` or answers with the call's fallback. State changes go to
 * `onStateChange` and, when a bus is bound, to `network.breaker.opened|halfOpen|closed`.
 * A `cluster` in the constructor options labels the events of calls that name no cluster.
 */
@injectable()
export class CircuitBreakerRegistry {
  /** Options of calls that name no cluster, and the base of every cluster's options. */
  private options: Resolved;
  /** Overrides per cluster, as given to `updateOptions`. */
  private readonly clusterOverrides = new Map<string, CircuitBreakerOptions>();
  /** Resolved options per cluster (the base with the cluster's overrides). */
  private readonly clusterOptions = new Map<string, Resolved>();
  /** Breakers by cluster (undefined: calls that name none), then by key. */
  private readonly entries = new Map<string | undefined, Map<string, Entry>>();
  /** The keys whose circuit takes no call now, by cluster: open, or half-open with its one probe under way. */
  private readonly unavailableKeys = new Map<string | undefined, Set<string>>();
  /** Controllers of settled, never-aborted calls that released their signal (see `releasesSignal`). */
  private readonly spareControllers: AbortController[] = [];
  /** Called on every state change, before it is published. */
  onStateChange: ((event: BreakerEvent) => void) | undefined;

  constructor(
    @inject(TOKENS.EventBus) @optional() private readonly bus?: EventBus,
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
    @unmanaged() options: CircuitBreakerOptions = {},
  ) {
    this.options = resolve(options);
  }

  /**
   * Runs `fn` through the breaker of `key`. Rejects with `BrokenCircuitError` when the
   * circuit is open (unless `fallback`), `RequestTimeoutError` after `timeoutMs` (the signal
   * given to `fn` is aborted), or `fn`'s own error.
   */
  async execute<T>(
    key: string,
    fn: (signal: AbortSignal) => Promise<T>,
    options: BreakerExecuteOptions<T> = {},
  ): Promise<T> {
    const entry = this.entry(key, options.cluster);
    const reusable = options.releasesSignal === true;
    const controller = (reusable ? this.spareControllers.pop() : undefined) ?? new AbortController();
    const signal = options.signal;
    const call = new Call(fn, controller, options);
    call.firedAt = entry.clock.rotations;
    // The first call of a half-open circuit is its probe: until it ends (close or open again), it takes no other.
    if (entry.state === 'halfOpen') this.markUnavailable(key, entry);
    // The listener exists only when the caller gave a signal.
    if (signal) {
      if (signal.aborted) call.handleEvent();
      else signal.addEventListener('abort', call);
    }
    try {
      return (await entry.breaker.fire(call)) as T;
    } catch (error) {
      const translated = this.translate(key, entry, error);
      if (BrokenCircuitError.is(translated) && options.fallback) {
        entry.stats.fallbacks += 1;
        return await options.fallback(translated);
      }
      throw translated;
    } finally {
      call.settle(signal);
      // A timed-out call was aborted (and may still run): its controller is never reused.
      if (reusable && !controller.signal.aborted && this.spareControllers.length < SPARE_CONTROLLERS)
        this.spareControllers.push(controller);
    }
  }

  /** The state of the breaker of `key` in `cluster` (closed when it has none yet). */
  state(key: string, cluster?: string): BreakerState {
    return this.entries.get(cluster)?.get(key)?.state ?? 'closed';
  }

  /**
   * The keys of `cluster` whose circuit takes no call now: open, or half-open with its one probe under
   * way (a half-open circuit admits that probe and rejects the rest), so that a balancer leaves them out
   * while another endpoint can take the request; undefined when none is.
   */
  openEndpoints(cluster: string | undefined): ReadonlySet<string> | undefined {
    const open = this.unavailableKeys.get(cluster);
    return open !== undefined && open.size > 0 ? open : undefined;
  }

  /** Measured counters and state of every breaker. */
  stats(): BreakerStats[] {
    const out: BreakerStats[] = [];
    for (const [cluster, byKey] of this.entries)
      for (const e of byKey.values())
        out.push(
          cluster === undefined ? { ...e.stats, state: e.state } : { ...e.stats, state: e.state, cluster },
        );
    return out;
  }

  /**
   * Applies new options; throws `ConfigError` and keeps the old ones when invalid. With
   * `options.cluster`, they apply to that cluster's breakers only (over the base options);
   * without, to the base options every call and cluster starts from. Timeout, threshold and
   * reset timeout change in place; a new volume threshold or rolling window rebuilds the
   * breakers concerned (closed, counters kept).
   */
  updateOptions(options: CircuitBreakerOptions): void {
    const cluster = options.cluster;
    if (cluster === undefined) {
      const base = resolve({ ...this.options, ...options });
      const perCluster = new Map<string, Resolved>();
      for (const [name, overrides] of this.clusterOverrides)
        perCluster.set(name, resolve({ ...base, ...overrides, cluster: name }));
      this.options = base;
      for (const [name, resolved] of perCluster) this.clusterOptions.set(name, resolved);
      for (const name of this.entries.keys()) this.apply(name);
      return;
    }
    const overrides = { ...this.clusterOverrides.get(cluster), ...options };
    const resolved = resolve({ ...this.options, ...overrides });
    this.clusterOverrides.set(cluster, overrides);
    this.clusterOptions.set(cluster, resolved);
    this.apply(cluster);
  }

  /** The base options in force (those of calls that name no cluster). */
  get currentOptions(): Readonly<Resolved> {
    return this.optionsFor(undefined);
  }

  /** The options the breakers of `cluster` use. */
  optionsFor(cluster: string | undefined): Readonly<Resolved> {
    return { ...this.resolvedFor(cluster) };
  }

  /** Shuts every breaker down, clearing opossum's timers; later calls reject with `ClientClosedError`. */
  shutdown(): void {
    for (const byKey of this.entries.values())
      for (const entry of byKey.values()) {
        entry.breaker.shutdown();
        entry.clock.stop();
      }
  }

  private resolvedFor(cluster: string | undefined): Resolved {
    return (cluster === undefined ? undefined : this.clusterOptions.get(cluster)) ?? this.options;
  }

  /** Brings the breakers of `cluster` to the options now in force for it. */
  private apply(cluster: string | undefined): void {
    const byKey = this.entries.get(cluster);
    if (!byKey) return;
    const next = this.resolvedFor(cluster);
    for (const [key, entry] of byKey) {
      const prev = entry.options;
      if (
        next.volumeThreshold !== prev.volumeThreshold ||
        next.rollingCountTimeoutMs !== prev.rollingCountTimeoutMs ||
        next.rollingCountBuckets !== prev.rollingCountBuckets
      ) {
        entry.breaker.shutdown();
        entry.clock.stop();
        byKey.set(key, this.create(key, cluster, entry.stats));
        this.unavailableKeys.get(cluster)?.delete(key); // rebuilt closed
        continue;
      }
      entry.options = next;
      // opossum reads these from its options object on every call and every open.
      const live = (entry.breaker as unknown as { options: CircuitBreaker.Options }).options;
      live.timeout = next.timeoutMs;
      live.errorThresholdPercentage = next.errorThresholdPercentage;
      live.resetTimeout = next.resetTimeoutMs;
    }
  }

  private entry(key: string, cluster: string | undefined): Entry {
    let byKey = this.entries.get(cluster);
    if (!byKey) {
      byKey = new Map();
      this.entries.set(cluster, byKey);
    }
    let entry = byKey.get(key);
    if (!entry) {
      entry = this.create(key, cluster);
      byKey.set(key, entry);
    }
    return entry;
  }

  private create(key: string, cluster: string | undefined, stats?: BreakerStats): Entry {
    const o = this.resolvedFor(cluster);
    const clock = new BucketClock(Math.floor(o.rollingCountTimeoutMs / o.rollingCountBuckets));
    const breaker = new CircuitBreaker<[Call], unknown>((call) => call.run!(call.controller.signal), {
      name: key,
      timeout: o.timeoutMs,
      errorThresholdPercentage: o.errorThresholdPercentage,
      volumeThreshold: o.volumeThreshold,
      resetTimeout: o.resetTimeoutMs,
      rollingCountTimeout: o.rollingCountTimeoutMs,
      rollingCountBuckets: o.rollingCountBuckets,
      rotateBucketController: clock,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // Only what the classifier charges to the endpoint counts as a failure. opossum passes the call's arguments
      // after the error (its typings name only the error), and has no verdict but failure or success: it counts a
      // filtered error as a success, and a success while half-open closes the circuit.
      errorFilter: ((error: unknown, call: Call) => {
        const effect = OUTCOME_EFFECTS[classifyAttemptError(error, call.context)].breaker;
        if (effect === 'failure') return false;
        if (effect === 'success') return true;
        call.ignored = true;
        // A call cancelled or rejected in the client while half-open (the probe, or one started before the circuit
        // opened) proved nothing about the endpoint: the circuit opens again rather than close on it.
        if (breaker.halfOpen) return false;
        entry.ignoring = call;
        return true;
      }) as (error: unknown) => boolean,
    });
    const entry: Entry = {
      breaker,
      cluster,
      options: o,
      state: 'closed',
      openedAt: 0,
      lastFailure: 'none',
      ignoring: undefined,
      clock,
      stats: stats ?? {
        endpoint: key,
        state: 'closed',
        successes: 0,
        failures: 0,
        timeouts: 0,
        rejects: 0,
        fallbacks: 0,
        opens: 0,
        halfOpens: 0,
        closes: 0,
      },
    };
    breaker.on('success', () => {
      const ignored = entry.ignoring;
      if (ignored === undefined) {
        entry.stats.successes += 1;
        return;
      }
      entry.ignoring = undefined;
      uncount(entry, ignored.firedAt, 'successes');
    });
    // opossum passes the call's arguments as the third listener argument.
    (breaker as unknown as NodeJS.EventEmitter).on(
      'failure',
      (error: unknown, _latency: number, args: [Call]) => {
        if (args[0].ignored) {
          // A half-open circuit opens again on it whatever the window holds (opossum checks after this listener).
          uncount(entry, args[0].firedAt, 'failures');
          entry.lastFailure = `the half-open probe ended without the endpoint's answer (${describeFailure(error)})`;
          return;
        }
        entry.stats.failures += 1;
        entry.lastFailure = describeFailure(error);
      },
    );
    breaker.on('reject', () => {
      entry.stats.rejects += 1;
      // Refused by the circuit itself (open, or half-open with its probe under way): nothing reached the endpoint,
      // so it is no call of the window's either (opossum counted it fired just now).
      uncount(entry, entry.clock.rotations);
    });
    // opossum passes the call's arguments as the third listener argument; abort only that call.
    (breaker as unknown as NodeJS.EventEmitter).on(
      'timeout',
      (_error: unknown, _latency: number, args: [Call]) => {
        entry.stats.timeouts += 1;
        args[0].controller.abort(
          new RequestTimeoutError(`call to ${key} exceeded ${entry.options.timeoutMs} ms`),
        );
      },
    );
    breaker.on('open', () => {
      entry.stats.opens += 1;
      entry.openedAt = Date.now();
      const { failures, fires } = breaker.stats;
      this.transition(
        key,
        entry,
        'open',
        `${failures} of ${fires} calls failed in the window; last: ${entry.lastFailure}`,
      );
    });
    breaker.on('halfOpen', (resetTimeout) => {
      entry.stats.halfOpens += 1;
      this.transition(
        key,
        entry,
        'halfOpen',
        `${resetTimeout} ms reset timeout elapsed; admitting one probe`,
      );
    });
    breaker.on('close', () => {
      entry.stats.closes += 1;
      this.transition(key, entry, 'closed', 'probe succeeded');
    });
    return entry;
  }

  private markUnavailable(key: string, entry: Entry): void {
    let keys = this.unavailableKeys.get(entry.cluster);
    if (keys === undefined) this.unavailableKeys.set(entry.cluster, (keys = new Set()));
    keys.add(key);
  }

  private transition(key: string, entry: Entry, to: BreakerState, reason: string): void {
    const event: BreakerEvent = { endpoint: key, from: entry.state, to, reason };
    const cluster = entry.cluster ?? entry.options.cluster;
    if (cluster !== undefined) event.cluster = cluster;
    entry.state = to;
    if (to === 'open') this.markUnavailable(key, entry);
    else this.unavailableKeys.get(entry.cluster)?.delete(key);
    this.onStateChange?.(event);
    this.bus
      ?.publish(TOPICS[to], event)
      .catch((error: unknown) =>
        this.logger?.warn('breaker event not published', { topic: TOPICS[to], error }),
      );
  }

  private translate(key: string, entry: Entry, error: unknown): unknown {
    if (!(error instanceof Error) || !CircuitBreaker.isOurError(error)) return error;
    const { options } = entry;
    const code = (error as { code?: unknown }).code;
    if (code === 'EOPENBREAKER') {
      const untilProbe = Math.max(0, entry.openedAt + options.resetTimeoutMs - Date.now());
      return new BrokenCircuitError(`circuit for ${key} is open`, { cause: error }, untilProbe);
    }
    if (code === 'ETIMEDOUT')
      return new RequestTimeoutError(`call to ${key} exceeded ${options.timeoutMs} ms`, {
        cause: error,
      });
    if (code === 'ESHUTDOWN')
      return new ClientClosedError('circuit breakers were shut down', { cause: error });
    return error;
  }
}

/**
 * Takes a call that teaches the breaker nothing back out of opossum's rolling window: the `fires` it
 * counted in the bucket current when it was fired (at the clock's `firedAt` rotations) and, for a call
 * that ran, the `verdict` it was told to count in the current one. opossum knows no verdict but failure
 * or success: counted as successes, cancellations and local rejections diluted the error percentage
 * (20 caller aborts, then 5 answers of 500 at a 50 % threshold over 4 calls, and the circuit stayed closed).
 */
function uncount(entry: Entry, firedAt: number, verdict?: 'successes' | 'failures'): void {
  const window = entry.breaker.status.window;
  // Fired `rotations` buckets ago (gone from the window when that is more than it holds); judged now.
  const fired = window[entry.clock.rotations - firedAt];
  if (fired !== undefined) fired.fires = Math.max(0, fired.fires - 1);
  const judged = window[0];
  if (verdict !== undefined && judged !== undefined) judged[verdict] = Math.max(0, judged[verdict] - 1);
}

function describeFailure(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') return `status ${statusCode}`;
  return typeof code === 'string' ? code : (error as Error).name;
}

function resolve(options: CircuitBreakerOptions): Resolved {
  const o: Resolved = {
    timeoutMs: options.timeoutMs ?? BREAKER_DEFAULTS.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage ?? BREAKER_DEFAULTS.errorThresholdPercentage,
    volumeThreshold: options.volumeThreshold ?? BREAKER_DEFAULTS.volumeThreshold,
    resetTimeoutMs: options.resetTimeoutMs ?? BREAKER_DEFAULTS.resetTimeoutMs,
    rollingCountTimeoutMs: options.rollingCountTimeoutMs ?? BREAKER_DEFAULTS.rollingCountTimeoutMs,
    rollingCountBuckets: options.rollingCountBuckets ?? BREAKER_DEFAULTS.rollingCountBuckets,
  };
  if (options.cluster !== undefined) o.cluster = options.cluster;
  const issues: ConfigIssue[] = [];
  const positive = ['timeoutMs', 'resetTimeoutMs', 'rollingCountTimeoutMs'] as const;
  for (const field of positive)
    if (!(o[field] > 0)) issues.push(issue(field, 'a positive number of ms', o[field]));
  if (!(o.errorThresholdPercentage > 0 && o.errorThresholdPercentage <= 100))
    issues.push(issue('errorThresholdPercentage', 'a percentage in (0, 100]', o.errorThresholdPercentage));
  for (const field of ['volumeThreshold', 'rollingCountBuckets'] as const) {
    const min = field === 'volumeThreshold' ? 0 : 1;
    if (!(Number.isInteger(o[field]) && o[field] >= min))
      issues.push(issue(field, `an integer ≥ ${min}`, o[field]));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return o;
}
