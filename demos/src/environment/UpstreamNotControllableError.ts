import { SlipstreamError } from '@slipstream/contracts';

/** A scenario needed to control an upstream (behaviour, counters, kill) that is a plain URL. */
export class UpstreamNotControllableError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_UPSTREAM_NOT_CONTROLLABLE';

  constructor(
    readonly origin: string,
    readonly operation: string,
  ) {
    super(`${operation} needs a testkit upstream (with an admin API); ${origin} is a plain URL`);
  }
}
