import { SlipstreamError, type SlipstreamErrorOptions } from '@slipstream/contracts';

/**
 * The NATS server refused this client's credential (authorization violation) or the TLS
 * handshake failed. `credential` names the option at fault, e.g. `bus.auth.token` or
 * `bus.tls.caFile`; retrying with the same options cannot help.
 */
export class NatsAuthError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_NATS_AUTH';

  constructor(
    readonly credential: string,
    /** What the server or the TLS handshake said, e.g. 'authorization violation'. */
    readonly reason: string,
    options?: SlipstreamErrorOptions,
  ) {
    super(`the NATS server refused ${credential}: ${reason}`, options);
  }
}
