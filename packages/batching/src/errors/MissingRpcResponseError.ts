import { SlipstreamError, type SlipstreamErrorOptions } from '@slipstream/contracts';

/** A batch response carried no entry for this call's id; the call's outcome is unknown. */
export class MissingRpcResponseError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_RPC_MISSING_RESPONSE';

  constructor(
    readonly callId: number,
    options?: SlipstreamErrorOptions,
  ) {
    super(`the batch response has no entry for call id ${callId}`, options);
  }
}
