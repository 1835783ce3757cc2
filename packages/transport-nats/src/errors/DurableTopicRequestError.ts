import { SlipstreamError, type SlipstreamErrorOptions } from '@slipstream/contracts';

/**
 * `request()` on a durable topic: JetStream answers the publisher with its own ack, not the
 * responder's reply, so durable topics carry fire-and-forget commands (`publish`) only.
 */
export class DurableTopicRequestError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_DURABLE_TOPIC_REQUEST';

  constructor(
    readonly topic: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`"${topic}" is a durable topic: publish commands to it, request() is not supported there`, options);
  }
}
