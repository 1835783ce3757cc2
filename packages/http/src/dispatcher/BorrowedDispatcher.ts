import { Dispatcher } from 'undici';

/**
 * A `Dispatcher` that fronts resources owned by someone else (a `PoolManager`, a
 * `NetworkClient`): `close()` and `destroy()` resolve at once and leave them alone; the owner
 * closes them. Subclasses implement `dispatch`.
 */
export abstract class BorrowedDispatcher extends Dispatcher {
  /** Resolves at once: the resources belong to the owner. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    if (callback) return queueMicrotask(callback);
    return Promise.resolve();
  }

  /** Resolves at once: the resources belong to the owner. */
  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const callback = typeof a === 'function' ? a : b;
    if (callback) return queueMicrotask(callback);
    return Promise.resolve();
  }
}
