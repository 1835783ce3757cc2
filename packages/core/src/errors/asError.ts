import { SlipstreamError } from '@slipstream/contracts';

/** `value` itself when it is an `Error`; otherwise a `SlipstreamError` (`SLIP_ERR_INTERNAL`) that names it and keeps it as `cause`. */
export function asError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new SlipstreamError(`non-error thrown: ${String(value)}`, { cause: value });
}
