import { EventEmitter } from 'node:events';

/**
 * The clock that rotates one opossum breaker's rolling-window buckets (its `rotateBucketController`,
 * in place of opossum's own interval), counting the rotations: a call that started `rotations`
 * ago was counted in the window's bucket of that index, so it can be taken back out of that bucket.
 */
export class BucketClock extends EventEmitter {
  /** Buckets rotated since the clock started. */
  rotations = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(bucketMs: number) {
    super();
    this.#timer = setInterval(() => {
      this.rotations++;
      this.emit('rotate');
    }, bucketMs);
    this.#timer.unref();
  }

  /** Stops rotating (the breaker was shut down or rebuilt). */
  stop(): void {
    clearInterval(this.#timer);
  }
}
