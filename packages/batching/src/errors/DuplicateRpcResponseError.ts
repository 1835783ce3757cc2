import { SlipstreamError, type SlipstreamErrorOptions } from '@slipstream/contracts';

/** A batch response carried more than one entry for this call's id; neither is trusted. */
export class DuplicateRpcResponseError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_RPC_DUPLICATE_RESPONSE';

  constructor(
    readonly callId: number,
    readonly occurrences: number,
    options?: SlipstreamErrorOptions,
  ) {
    super(`the batch response has ${occurrences} entries for call id ${callId}`, options);
  }
}
