import { SlipstreamError } from '@slipstream/contracts';

/** A request body the dispatcher cannot collect (FormData, say): not a string, bytes or a stream. */
export class UnsupportedBodyError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_UNSUPPORTED_BODY';
}
