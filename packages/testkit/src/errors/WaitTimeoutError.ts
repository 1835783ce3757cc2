import { SlipstreamError } from '@slipstream/contracts';

/** A testkit wait (e.g. `waitForInFlight`) did not see its condition within its timeout. */
export class WaitTimeoutError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TESTKIT_WAIT_TIMEOUT';

  constructor(
    readonly condition: string,
    readonly timeoutMs: number,
    readonly observed: number,
  ) {
    super(`waited ${timeoutMs} ms for ${condition}; last seen ${observed}`);
  }
}
