import { SlipstreamError } from '@slipstream/contracts';

/** A forked process failed to start: it reported a failure, exited, or was not ready in time. */
export class ProcessStartError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TESTKIT_PROCESS_START';
}
