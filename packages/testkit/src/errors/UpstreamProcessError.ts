import { SlipstreamError } from '@slipstream/contracts';

/** A spawned upstream process failed to start, died, or its admin API failed. */
export class UpstreamProcessError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TESTKIT_PROCESS';
}
