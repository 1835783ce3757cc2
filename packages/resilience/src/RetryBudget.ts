import { ConfigError } from '@slipstream/contracts';
import type { ConfigIssue } from '@slipstream/contracts';
import { configIssue as issue } from '@slipstream/config';

/** Settings of a retry budget. */
export interface RetryBudgetOptions {
  /** Retries earned per request, 0..1. Defaults to 0.2 (20 % of requests). */
  ratio?: number;
  /** Retries always allowed per second, whatever the traffic. Defaults to 10 per s. */
  minPerSecond?: number;
  /** Most earned retries banked at once, so a long calm spell cannot fund a storm. Defaults to 100. */
  maxBalance?: number;
  /** Clock, ms. Defaults to `Date.now`. */
  now?: () => number;
}

const DEFAULTS = Object.freeze({ ratio: 0.2, minPerSecond: 10, maxBalance: 100 });

/**
 * A token bucket of retries (Finagle / Envoy retry budgets): every request deposits `ratio`
 * of a retry, every retry withdraws one, and a floor of `minPerSecond` retries refills
 * continuously. Over any run, retries ≤ ratio × requests + minPerSecond × seconds
 * (+ one second of floor at start), so an outage cannot turn into a retry storm.
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly minPerSecond: number;
  private readonly maxBalance: number;
  private readonly now: () => number;
  private earned = 0;
  private floor: number;
  private floorStamp: number;

  constructor(options: RetryBudgetOptions = {}, path = 'budget') {
    this.ratio = options.ratio ?? DEFAULTS.ratio;
    this.minPerSecond = options.minPerSecond ?? DEFAULTS.minPerSecond;
    this.maxBalance = options.maxBalance ?? DEFAULTS.maxBalance;
    this.now = options.now ?? Date.now;
    const issues: ConfigIssue[] = [];
    if (!(this.ratio >= 0 && this.ratio <= 1))
      issues.push(issue(`${path}.ratio`, 'a fraction 0..1', this.ratio));
    if (!(this.minPerSecond >= 0))
      issues.push(issue(`${path}.minPerSecond`, 'a number ≥ 0', this.minPerSecond));
    if (!(this.maxBalance >= 1)) issues.push(issue(`${path}.maxBalance`, 'a number ≥ 1', this.maxBalance));
    if (issues.length > 0) throw new ConfigError(issues);
    this.floor = this.minPerSecond;
    this.floorStamp = this.now();
  }

  /** Records one request (not a retry): deposits `ratio` of a retry. */
  deposit(): void {
    this.earned = Math.min(this.maxBalance, this.earned + this.ratio);
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryWithdraw(): boolean {
    this.refillFloor();
    if (this.earned >= 1) {
      this.earned -= 1;
      return true;
    }
    if (this.floor >= 1) {
      this.floor -= 1;
      return true;
    }
    return false;
  }

  /** Retries available now. */
  get available(): number {
    this.refillFloor();
    return Math.floor(this.earned) + Math.floor(this.floor);
  }

  private refillFloor(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.floorStamp);
    this.floorStamp = now;
    this.floor = Math.min(this.minPerSecond, this.floor + (elapsed / 1_000) * this.minPerSecond);
  }
}
