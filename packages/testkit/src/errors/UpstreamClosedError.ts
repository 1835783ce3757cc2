import { SlipstreamError } from '@slipstream/contracts';

/** The upstream was closed for good (`close()`); it cannot be restarted. */
export class UpstreamClosedError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TESTKIT_CLOSED';
}
