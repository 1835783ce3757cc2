import { injectable, unmanaged } from 'inversify';
import { ConfigError, RequestAbortedError, RequestTimeoutError } from '@slipstream/contracts';
import type { ConfigIssue } from '@slipstream/contracts';
import { configIssue as issue } from '@slipstream/config';
import type { OutcomeKind } from '@slipstream/contracts';
import { classifyError, isRetryableOutcome } from './outcome/classifyOutcome';
import { retryAfterMs } from './retryAfter';
import { RetryBudget } from './RetryBudget';
import type { RetryBudgetOptions } from './RetryBudget';
import { sleep } from './sleep';

/** Settings of the retry policy. */
export interface RetryPolicyOptions {
  /** Retries after the first attempt. Defaults to 2. */
  maxRetries?: number;
  /** Backoff base: the n-th retry waits random × min(maxDelayMs, base × 2ⁿ), ms. Defaults to 50 ms. */
  baseDelayMs?: number;
  /** Backoff cap, ms. Defaults to 2_000 ms. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for (the error is returned), ms. Defaults to 10_000 ms. */
  maxRetryAfterMs?: number;
  /** The retry budget. Defaults to 20 % of requests plus 10 per second. */
  budget?: RetryBudgetOptions;
}

/** What the policy is built with besides options. */
export interface RetryPolicyDeps {
  /** Jitter source. Defaults to `Math.random`. */
  random?: () => number;
  /** Clock, ms. Defaults to `Date.now`. */
  now?: () => number;
}

/** One attempt, as the function under retry sees it. */
export interface RetryAttempt {
  /** 0 for the first attempt. */
  readonly attempt: number;
  /** Endpoints earlier attempts failed on: pick another one. */
  readonly excluded: ReadonlySet<string>;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Set it to the endpoint this attempt went to; on failure it joins `excluded`. */
  endpoint?: string;
  /** Set it when the attempt went to several endpoints at once (hedged): on failure they all join `excluded`. */
  endpoints?: Iterable<string>;
  /**
   * Set it to the classifier's verdict on this attempt when it failed (the caller knows the
   * context best); unset, the policy classifies the error itself with its signal and deadline.
   */
  outcome?: OutcomeKind;
}

/** Per-call settings of `execute`. */
export interface RetryExecuteOptions {
  /** Absolute deadline, ms since the epoch: no attempt starts or wait ends after it. */
  deadline?: number;
  /** Aborts the waits between attempts. */
  signal?: AbortSignal;
  /** Idempotent requests are retried. Defaults to false. */
  idempotent?: boolean;
  /** Explicit opt-in for a non-idempotent request. Defaults to false. */
  retry?: boolean;
  /** Retries of this call (e.g. a route's `policy.retries`), an integer ≥ 0. Defaults to the policy's `maxRetries`. */
  maxRetries?: number;
  /** Statuses retried besides those the classifier calls retryable (a route's `policy.retryOn`). Defaults to none. */
  retryOn?: readonly number[];
}

/** Measured counters of the policy. */
export interface RetryStats {
  /** Calls to `execute`. */
  requests: number;
  /** Attempts made, first ones included. */
  attempts: number;
  /** Retries made. */
  retries: number;
  /** Retries refused because the budget was spent. */
  budgetExhausted: number;
}

/** The `excluded` set of attempts before any failure. */
const NOTHING_EXCLUDED: ReadonlySet<string> = new Set<string>();

const DEFAULTS = Object.freeze({
  maxRetries: 2,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 10_000,
});

/**
 * Budgeted retries with exponential backoff and full jitter. Retries idempotent requests
 * (or those that opt in) on retryable errors, on another endpoint than the failed ones
 * (`attempt.excluded`), honours `Retry-After`, stays within the deadline, and takes every
 * retry from a `RetryBudget`.
 */
@injectable()
export class RetryPolicy {
  private options!: Required<Omit<RetryPolicyOptions, 'budget'>>;
  private budget!: RetryBudget;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly counters: RetryStats = { requests: 0, attempts: 0, retries: 0, budgetExhausted: 0 };

  constructor(@unmanaged() options: RetryPolicyOptions = {}, @unmanaged() deps: RetryPolicyDeps = {}) {
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.updateOptions(options);
  }

  /** Replaces the options (and the budget); throws `ConfigError` and keeps the old ones when invalid. */
  updateOptions(options: RetryPolicyOptions): void {
    const o = {
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    };
    const issues: ConfigIssue[] = [];
    if (!(Number.isInteger(o.maxRetries) && o.maxRetries >= 0))
      issues.push(issue('maxRetries', 'an integer ≥ 0', o.maxRetries));
    if (!(o.baseDelayMs >= 0)) issues.push(issue('baseDelayMs', 'a number of ms ≥ 0', o.baseDelayMs));
    if (!(o.maxDelayMs >= o.baseDelayMs))
      issues.push(issue('maxDelayMs', `a number of ms ≥ baseDelayMs (${o.baseDelayMs})`, o.maxDelayMs));
    if (!(o.maxRetryAfterMs >= 0))
      issues.push(issue('maxRetryAfterMs', 'a number of ms ≥ 0', o.maxRetryAfterMs));
    if (issues.length > 0) throw new ConfigError(issues);
    const budget = new RetryBudget({ now: this.now, ...options.budget });
    this.options = o;
    this.budget = budget;
  }

  /**
   * Runs `fn`, retrying as the policy allows; rejects with the last attempt's error. The first
   * attempt (usually the only one) runs without an async frame of its own: its promise is
   * handed on with one rejection handler, and only a failure enters the retry loop.
   */
  execute<T>(fn: (attempt: RetryAttempt) => Promise<T>, options: RetryExecuteOptions = {}): Promise<T> {
    const maxRetries = options.maxRetries ?? this.options.maxRetries;
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0))
      return Promise.reject(new ConfigError([issue('maxRetries', 'an integer ≥ 0', maxRetries)]));
    this.counters.requests += 1;
    this.budget.deposit();
    const refused = this.refusal(options);
    if (refused !== undefined) return Promise.reject(refused);
    const first: RetryAttempt = { attempt: 0, excluded: NOTHING_EXCLUDED, signal: options.signal };
    this.counters.attempts += 1;
    let result: Promise<T>;
    try {
      result = Promise.resolve(fn(first));
    } catch (error) {
      return this.retry(fn, options, maxRetries, first, error);
    }
    return result.then(undefined, (error: unknown) => this.retry(fn, options, maxRetries, first, error));
  }

  /** Why no attempt may start now (the caller aborted, or the deadline passed); undefined: it may. */
  private refusal(options: RetryExecuteOptions): Error | undefined {
    const { deadline, signal } = options;
    if (signal?.aborted) return new RequestAbortedError('request aborted', { cause: signal.reason });
    if (deadline !== undefined && this.now() >= deadline)
      return new RequestTimeoutError('deadline passed before the attempt could start');
    return undefined;
  }

  /** The attempt `failed` ended with `error`: retries while the policy allows; rejects with the last attempt's error. */
  private async retry<T>(
    fn: (attempt: RetryAttempt) => Promise<T>,
    options: RetryExecuteOptions,
    maxRetries: number,
    failed: RetryAttempt,
    error: unknown,
  ): Promise<T> {
    const { deadline, signal } = options;
    const mayRetry = options.idempotent === true || options.retry === true;
    // Allocated on the first failure only: most calls never need one.
    let excluded: Set<string> | undefined;
    let current = failed;
    for (;;) {
      if (current.endpoint !== undefined) (excluded ??= new Set()).add(current.endpoint);
      if (current.endpoints !== undefined) for (const e of current.endpoints) (excluded ??= new Set()).add(e);
      const attempt = current.attempt;
      const retryable =
        mayRetry &&
        attempt < maxRetries &&
        isRetryableOutcome(
          current.outcome ?? classifyError(error, options),
          statusOf(error),
          options.retryOn,
          error,
        );
      const delay = this.delayBeforeRetry(error, attempt, retryable, deadline);
      if (delay === undefined) throw error;
      this.counters.retries += 1;
      await sleep(delay, signal);
      const refused = this.refusal(options);
      if (refused !== undefined) throw refused;
      current = { attempt: attempt + 1, excluded: excluded ?? NOTHING_EXCLUDED, signal };
      this.counters.attempts += 1;
      try {
        return await fn(current);
      } catch (err) {
        error = err;
      }
    }
  }

  /** The measured counters. */
  stats(): RetryStats {
    return { ...this.counters };
  }

  /** The wait before the next attempt, or undefined when there must be none (`retryable`: allowed, retries left, and the verdict retryable). */
  private delayBeforeRetry(
    error: unknown,
    attempt: number,
    retryable: boolean,
    deadline: number | undefined,
  ): number | undefined {
    if (!retryable) return undefined;
    const now = this.now();
    const asked = retryAfterMs(error, now);
    if (asked !== undefined && asked > this.options.maxRetryAfterMs) return undefined;
    const backoff =
      this.random() * Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt);
    const delay = Math.max(backoff, asked ?? 0);
    if (deadline !== undefined && now + delay >= deadline) return undefined;
    if (!this.budget.tryWithdraw()) {
      this.counters.budgetExhausted += 1;
      return undefined;
    }
    return delay;
  }
}

/** The response status an error carries, if any. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
