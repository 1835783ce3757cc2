import { SlipstreamError, type SlipstreamErrorOptions } from '@slipstream/contracts';

/** A message received on a subscribed subject is not a valid envelope (bad JSON, wrong shape, too large). */
export class MalformedMessageError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_MALFORMED_MESSAGE';

  constructor(
    readonly subject: string,
    readonly reason: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`malformed message on "${subject}": ${reason}`, options);
  }
}
