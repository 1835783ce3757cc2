import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import { monotonicClock, type Clock } from '../clock';

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. Required; must be positive and finite. */
  ratePerSec: number;
  /** Bucket capacity, tokens; the bucket starts full. Required; must be ≥ 1. */
  burst: number;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
}

/**
 * A token bucket: over any interval of length `t` ms it admits at most
 * `ratePerSec × t / 1000 + burst` tokens. Refill is computed lazily from the clock, so it needs
 * no timer.
 */
export class TokenBucket {
  /** Tokens added per second. */
  readonly ratePerSec: number;
  /** Capacity, tokens. */
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(options: TokenBucketOptions) {
    const issues: ConfigIssue[] = [];
    if (!(Number.isFinite(options.ratePerSec) && options.ratePerSec > 0)) {
      issues.push({
        path: 'ratePerSec',
        expected: 'a positive finite number',
        received: String(options.ratePerSec),
      });
    }
    if (!(Number.isFinite(options.burst) && options.burst >= 1)) {
      issues.push({ path: 'burst', expected: 'a finite number ≥ 1', received: String(options.burst) });
    }
    if (issues.length > 0) throw new ConfigError(issues);
    this.ratePerSec = options.ratePerSec;
    this.burst = options.burst;
    this.clock = options.clock ?? monotonicClock;
    this.tokens = options.burst;
    this.last = this.clock();
  }

  /** Takes `n` tokens if that many are available at `now`; returns whether it did. */
  tryTake(n = 1, now: number = this.clock()): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** How long until `n` tokens are available, ms (0 when they are now; Infinity when `n` exceeds the burst). */
  waitTimeMs(n = 1, now: number = this.clock()): number {
    if (n > this.burst) return Infinity;
    this.refill(now);
    return this.tokens >= n ? 0 : ((n - this.tokens) * 1000) / this.ratePerSec;
  }

  /** Tokens available at `now`. */
  available(now: number = this.clock()): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    // A clock that steps back (an injected one, say) must not mint tokens.
    if (now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSec) / 1000);
    this.last = now;
  }
}
