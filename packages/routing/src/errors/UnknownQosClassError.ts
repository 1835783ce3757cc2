import { SlipstreamError } from '@slipstream/contracts';

/** A request named a QoS class the scheduler does not have. Not retryable: it is a configuration mistake. */
export class UnknownQosClassError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_UNKNOWN_QOS_CLASS';
  constructor(
    readonly className: string,
    readonly known: readonly string[],
  ) {
    super(`unknown QoS class "${className}" (known: ${known.join(', ')})`);
  }
}
