import { SlipstreamError } from '@slipstream/contracts';

/** No node running the network sidecar's proxy was heard on the bus in time. */
export class SidecarUnreachableError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_SIDECAR_UNREACHABLE';
  static override readonly retryable = true;
}
