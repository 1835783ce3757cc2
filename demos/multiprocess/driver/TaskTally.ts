import { SlipstreamError } from '@slipstream/contracts';

/** Tasks did not reach a count within the time allowed. */
export class TallyTimeoutError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TALLY_TIMEOUT';
  static override readonly retryable = true;
}

/** A waiter for a count of tasks. */
interface Waiter {
  reached(): boolean;
  resolve(): void;
}

/**
 * Counts, per task id, the tasks published (confirmed), completed and failed, as the events
 * arrive. A task that failed and later completed (redelivered) counts as completed only.
 */
export class TaskTally {
  readonly #completed = new Set<string>();
  readonly #failed = new Set<string>();
  readonly #waiters = new Set<Waiter>();
  #published = 0;
  #completions = 0;

  /** Counts a publish the broker confirmed. */
  published(): void {
    this.#published++;
  }

  /** Counts a `sarah.task.completed` for `taskId`. */
  completed(taskId: string): void {
    this.#completions++;
    this.#completed.add(taskId);
    this.#wake();
  }

  /** Counts a `sarah.task.failed` for `taskId`. */
  failed(taskId: string): void {
    this.#failed.add(taskId);
    this.#wake();
  }

  /** Publishes confirmed. */
  get publishedCount(): number {
    return this.#published;
  }

  /** `sarah.task.completed` events, duplicates included. */
  get completions(): number {
    return this.#completions;
  }

  /** Distinct tasks completed. */
  get distinctCompleted(): number {
    return this.#completed.size;
  }

  /** Distinct tasks failed and never completed. */
  get failedOnly(): number {
    let n = 0;
    for (const id of this.#failed) if (!this.#completed.has(id)) n++;
    return n;
  }

  /** Tasks confirmed but neither completed nor failed: published − completed − failed (distinct ids). */
  get lost(): number {
    return this.#published - this.distinctCompleted - this.failedOnly;
  }

  /** Resolves once `count` distinct tasks completed; rejects with `TallyTimeoutError` after `timeoutMs`. */
  whenCompleted(count: number, timeoutMs: number): Promise<void> {
    return this.#when(() => this.distinctCompleted >= count, `${count} tasks completed`, timeoutMs);
  }

  /** Resolves once every published task completed or failed; rejects with `TallyTimeoutError` after `timeoutMs`. */
  whenSettled(timeoutMs: number): Promise<void> {
    return this.#when(() => this.lost <= 0, 'every published task settled', timeoutMs);
  }

  /** Checked on each event, not polled. */
  #when(reached: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (reached()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        reached,
        resolve: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new TallyTimeoutError(`not ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters) if (waiter.reached()) waiter.resolve();
  }
}
