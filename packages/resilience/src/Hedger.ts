import { ConfigError, RequestAbortedError } from '@slipstream/contracts';
import type { ConfigIssue } from '@slipstream/contracts';
import { configIssue as issue } from '@slipstream/config';
import { RetryBudget } from './RetryBudget';
import type { RetryBudgetOptions } from './RetryBudget';

/** Settings of request hedging. */
export interface HedgerOptions {
  /** Latency percentile after which a backup request goes out, 0..1. Defaults to 0.95. */
  percentile?: number;
  /** A fixed hedge delay, ms, instead of the observed percentile. Defaults to none. */
  delayMs?: number;
  /** Backup attempts at most per request, one more each delay. Defaults to 1. */
  maxExtra?: number;
  /** Shortest hedge delay, ms. Defaults to 5 ms. */
  minDelayMs?: number;
  /** Latency samples kept (most recent). Defaults to 1_000. */
  sampleSize?: number;
  /** Samples needed before hedging starts. Defaults to 20. */
  minSamples?: number;
  /** The hedges' own budget. Defaults to 5 % of requests plus 1 per second. */
  budget?: RetryBudgetOptions;
  /** Clock, ms. Defaults to `Date.now`. */
  now?: () => number;
}

/** Per-call settings of `execute`. */
export interface HedgeExecuteOptions {
  /** Only idempotent requests are hedged. Defaults to false. */
  idempotent?: boolean;
  /** The caller's signal; aborts every attempt. */
  signal?: AbortSignal;
}

/** Measured counters of the hedger. */
export interface HedgeStats {
  requests: number;
  /** Backup requests sent. */
  hedges: number;
  /** Requests the backup answered first. */
  hedgeWins: number;
  /** Hedge delay in force now, ms (undefined until enough samples). */
  delayMs: number | undefined;
}

const DEFAULTS = Object.freeze({
  percentile: 0.95,
  minDelayMs: 5,
  sampleSize: 1_000,
  minSamples: 20,
  maxExtra: 1,
});
const DEFAULT_BUDGET = Object.freeze({ ratio: 0.05, minPerSecond: 1 });
/** Answers recorded between two computations of the percentile delay. */
const RESORT_EVERY = 16;

/**
 * Hedged requests for idempotent calls: when the first attempt has not answered after the
 * observed latency percentile (p95 by default), a backup attempt goes out, within its own
 * budget; the first answer wins and the other attempts are aborted (the winner's signal is not). A failure of the only
 * attempt in flight rejects at once (retries are the retry policy's business).
 */
export class Hedger {
  private readonly o: Record<keyof typeof DEFAULTS, number>;
  private readonly fixedDelayMs: number | undefined;
  private readonly budget: RetryBudget;
  private readonly now: () => number;
  private readonly samples: number[] = [];
  private next = 0;
  /** The percentile delay as last computed, and answers recorded since. */
  private cachedDelayMs: number | undefined;
  private sinceSorted = 0;
  private readonly counters = { requests: 0, hedges: 0, hedgeWins: 0 };

  constructor(options: HedgerOptions = {}) {
    this.o = {
      percentile: options.percentile ?? DEFAULTS.percentile,
      minDelayMs: options.minDelayMs ?? DEFAULTS.minDelayMs,
      sampleSize: options.sampleSize ?? DEFAULTS.sampleSize,
      minSamples: options.minSamples ?? DEFAULTS.minSamples,
      maxExtra: options.maxExtra ?? DEFAULTS.maxExtra,
    };
    this.fixedDelayMs = options.delayMs;
    this.now = options.now ?? Date.now;
    const issues: ConfigIssue[] = [];
    if (!(this.o.percentile > 0 && this.o.percentile < 1))
      issues.push(issue('hedging.percentile', 'a fraction in (0, 1)', this.o.percentile));
    if (!(this.o.minDelayMs >= 0))
      issues.push(issue('hedging.minDelayMs', 'a number of ms ≥ 0', this.o.minDelayMs));
    if (!(Number.isInteger(this.o.sampleSize) && this.o.sampleSize >= 1))
      issues.push(issue('hedging.sampleSize', 'a positive integer', this.o.sampleSize));
    if (!(
      Number.isInteger(this.o.minSamples) &&
      this.o.minSamples >= 1 &&
      this.o.minSamples <= this.o.sampleSize
    ))
      issues.push(
        issue('hedging.minSamples', `an integer in 1..sampleSize (${this.o.sampleSize})`, this.o.minSamples),
      );
    if (!(Number.isInteger(this.o.maxExtra) && this.o.maxExtra >= 1))
      issues.push(issue('hedging.maxExtra', 'an integer ≥ 1', this.o.maxExtra));
    if (this.fixedDelayMs !== undefined && !(this.fixedDelayMs >= 0))
      issues.push(issue('hedging.delayMs', 'a number of ms ≥ 0', this.fixedDelayMs));
    if (issues.length > 0) throw new ConfigError(issues);
    this.budget = new RetryBudget({ ...DEFAULT_BUDGET, now: this.now, ...options.budget }, 'hedging.budget');
  }

  /** The hedge delay now: the fixed one, else the observed percentile (at least `minDelayMs`), or undefined before `minSamples`. */
  delayMs(): number | undefined {
    if (this.fixedDelayMs !== undefined) return this.fixedDelayMs;
    if (this.samples.length < this.o.minSamples) return undefined;
    // Sorting the samples per request would cost more than the request: refresh every few answers.
    if (this.cachedDelayMs === undefined || this.sinceSorted >= RESORT_EVERY) {
      const sorted = [...this.samples].sort((a, b) => a - b);
      const index = Math.min(sorted.length - 1, Math.ceil(this.o.percentile * sorted.length) - 1);
      this.cachedDelayMs = Math.max(this.o.minDelayMs, sorted[index] ?? 0);
      this.sinceSorted = 0;
    }
    return this.cachedDelayMs;
  }

  /** Runs `fn` (attempt 0) and, each delay while due and allowed, a backup (attempts 1..maxExtra); resolves with the first answer. */
  execute<T>(
    fn: (signal: AbortSignal, attempt: number) => Promise<T>,
    options: HedgeExecuteOptions = {},
  ): Promise<T> {
    this.counters.requests += 1;
    this.budget.deposit();
    const delay = options.idempotent === true ? this.delayMs() : undefined;
    const started = this.now();
    const controllers: AbortController[] = [];
    const { signal } = options;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let pending = 0;
      let timer: NodeJS.Timeout | undefined = undefined;
      const abortAll = (reason: unknown, except?: AbortController): void => {
        for (const c of controllers) if (c !== except) c.abort(reason);
      };
      const onCallerAbort = (): void =>
        abortAll(new RequestAbortedError('request aborted', { cause: signal?.reason }));
      const finish = (): void => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onCallerAbort);
      };
      const launch = (attempt: number): void => {
        const controller = new AbortController();
        controllers.push(controller);
        pending += 1;
        fn(controller.signal, attempt).then(
          (value) => {
            if (settled) return;
            finish();
            this.record(this.now() - started);
            if (attempt > 0) this.counters.hedgeWins += 1;
            // The winner's signal stays open: a streamed answer may still be read under it.
            abortAll(new RequestAbortedError('another attempt answered first'), controller);
            resolve(value);
          },
          // Typed Error for the linter; whatever `fn` rejected with is passed on unchanged.
          (error: Error) => {
            pending -= 1;
            if (settled || pending > 0) return;
            finish();
            reject(error);
          },
        );
      };
      if (signal?.aborted) onCallerAbort();
      else signal?.addEventListener('abort', onCallerAbort, { once: true });
      launch(0);
      if (delay === undefined) return;
      let extra = 0;
      const hedge = (): void => {
        if (settled || !this.budget.tryWithdraw()) return;
        this.counters.hedges += 1;
        extra += 1;
        launch(extra);
        if (extra < this.o.maxExtra) timer = setTimeout(hedge, delay).unref();
      };
      timer = setTimeout(hedge, delay).unref();
    });
  }

  /** The measured counters. */
  stats(): HedgeStats {
    return { ...this.counters, delayMs: this.delayMs() };
  }

  private record(latencyMs: number): void {
    if (this.samples.length < this.o.sampleSize) this.samples.push(latencyMs);
    else this.samples[this.next] = latencyMs;
    this.next = (this.next + 1) % this.o.sampleSize;
    this.sinceSorted += 1;
  }
}
