import { SlipstreamError } from '@slipstream/contracts';

/** A response body exceeded the pool's `maxResponseSize`; the connection was dropped. */
export class ResponseTooLargeError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_RESPONSE_TOO_LARGE';
}
