import { MAX_TIMER_MS } from '@slipstream/config';
import { InvalidRequestError } from '@slipstream/contracts';

const REQUEST_OPTION_KEYS: ReadonlySet<string> = new Set([
  'priority',
  'stickyKey',
  'signal',
  'timeoutMs',
  'idempotent',
  'decode',
]);
const KEYS = {
  request: REQUEST_OPTION_KEYS,
  call: new Set(['cluster', 'priority', 'signal', 'timeoutMs', 'idempotent']),
  notify: new Set(['cluster', 'priority', 'signal', 'timeoutMs']),
} as const;

/**
 * Checks the per-request options of `request()`/`stream()`, `call()` or `notify()` (`kind`) before anything is queued: unknown keys, a `timeoutMs` that is not a finite
 * number > 0, non-string `priority`/`stickyKey`/`cluster`, non-boolean `idempotent` or `decode`, a `signal`
 * that is not an `AbortSignal`. Throws `InvalidRequestError` naming the option; a bad option is the
 * caller's fault and never reaches (or is charged to) an upstream.
 */
export function validateRequestOptions(opts: unknown, kind: keyof typeof KEYS): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new InvalidRequestError('options', `expected an object, received ${String(opts)}`);
  const known: ReadonlySet<string> = KEYS[kind];
  for (const key in opts) {
    if (!Object.hasOwn(opts, key)) continue;
    const value = (opts as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!known.has(key))
      throw new InvalidRequestError(
        `options.${key}`,
        `expected one of ${[...known].join(', ')}, received an unknown option`,
      );
    const bad =
      (key === 'timeoutMs' && !(typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS)) ||
      ((key === 'priority' || key === 'stickyKey' || key === 'cluster') && typeof value !== 'string') ||
      ((key === 'idempotent' || key === 'decode') && typeof value !== 'boolean') ||
      (key === 'signal' && !(value instanceof AbortSignal));
    if (bad)
      throw new InvalidRequestError(
        `options.${key}`,
        `expected a valid ${key} (timeoutMs: a number > 0 and ≤ ${MAX_TIMER_MS}), received ${JSON.stringify(value) ?? `a ${typeof value}`}`,
      );
  }
}
