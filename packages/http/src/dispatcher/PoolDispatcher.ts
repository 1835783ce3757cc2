import type { SlipstreamError } from '@slipstream/contracts';
import { Dispatcher } from 'undici';
import type { OriginPool } from '../pool/OriginPool';
import { DispatchTask } from './DispatchTask';

/** Finds (or creates) the origin pool for an origin; throws a `SlipstreamError` when it cannot. */
export type OriginResolver = (origin: string) => OriginPool;

/**
 * An undici `Dispatcher` over a `PoolManager`'s pools: `undici.request(url, { dispatcher })`
 * and `fetch(url, { dispatcher })` share the manager's connections, queue bound and stats.
 * It owns nothing: `close()` and `destroy()` resolve at once; close the manager instead.
 */
export class PoolDispatcher extends Dispatcher {
  readonly #resolve: OriginResolver;

  constructor(resolve: OriginResolver) {
    super();
    this.#resolve = resolve;
  }

  /** Routes the request to its origin's pool (through the bounded queue). */
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = opts.origin;
    let owner: OriginPool;
    try {
      owner = this.#resolve(origin === undefined ? '' : typeof origin === 'string' ? origin : origin.origin);
    } catch (err) {
      DispatchTask.reject(handler, err as SlipstreamError);
      return true;
    }
    owner.submit(new DispatchTask(owner, opts, handler));
    return true;
  }

  /** Resolves at once: the pools belong to the `PoolManager`. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    if (callback) return queueMicrotask(callback);
    return Promise.resolve();
  }

  /** Resolves at once: the pools belong to the `PoolManager`. */
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
