import { SlipstreamError, type SlipstreamErrorOptions } from '@slipstream/contracts';

/** An envelope's encoded size exceeds the transport's `maxPayloadBytes`; it was not sent. */
export class PayloadTooLargeError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_PAYLOAD_TOO_LARGE';

  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly maxBytes: number,
    options?: SlipstreamErrorOptions,
  ) {
    super(`envelope on "${topic}" is ${bytes} bytes, above the ${maxBytes}-byte limit`, options);
  }
}
