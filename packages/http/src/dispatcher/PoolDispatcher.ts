import type { SlipstreamError } from '@slipstream/contracts';
import type { Dispatcher } from 'undici';
import { BorrowedDispatcher } from './BorrowedDispatcher';
import type { OriginPool } from '../pool/OriginPool';
import { DispatchTask } from './DispatchTask';

/** Finds (or creates) the origin pool for an origin; throws a `SlipstreamError` when it cannot. */
export type OriginResolver = (origin: string) => OriginPool;

/**
 * An undici `Dispatcher` over a `PoolManager`'s pools: `undici.request(url, { dispatcher })`
 * and `fetch(url, { dispatcher })` share the manager's connections, queue bound and stats.
 * It owns nothing: `close()` and `destroy()` resolve at once; close the manager instead.
 */
export class PoolDispatcher extends BorrowedDispatcher {
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
}
