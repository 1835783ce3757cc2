/**
 * A counting semaphore bounding the handlers one subscription runs at once. `acquire()` resolves
 * when a slot is free (at once while fewer than `size` are taken); `release()` hands the slot to
 * the longest waiter. Waiters are served in arrival order, so messages start in delivery order.
 */
export class HandlerSlots {
  readonly #waiting: (() => void)[] = [];
  #free: number;

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Handlers running now. */
  get running(): number {
    return this.size - this.#free;
  }

  /** Takes a slot; resolves once one is free. */
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a slot back (to the next waiter, if any). */
  release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#free += 1;
  }
}
