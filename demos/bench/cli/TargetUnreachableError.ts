import { SlipstreamError } from '@slipstream/contracts';

/** The benchmark target could not be reached, or did not answer a GET with a 2xx status. */
export class TargetUnreachableError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TARGET_UNREACHABLE';
}
