import { ConfigError } from '@slipstream/contracts';
import type { ConcurrencyLimit } from './ConcurrencyLimit';

/** A concurrency limit that does not adapt: what the scheduler uses with adaptive concurrency off. */
export class FixedConcurrencyLimit implements ConcurrencyLimit {
  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) {
      throw new ConfigError([{ path: 'limit', expected: 'an integer ≥ 1', received: String(limit) }]);
    }
  }

  /** Ignores the sample. */
  onSample(): void {}
}
