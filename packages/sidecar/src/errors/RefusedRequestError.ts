import { SlipstreamError } from '@slipstream/contracts';

/** Why the sidecar refused a request without forwarding it. */
export type RefusalReason =
  /** A `CONNECT` request: the sidecar tunnels nothing. */
  | 'connect'
  /** A method the sidecar's own endpoint does not take (e.g. GET on the JSON-RPC endpoint). */
  | 'method'
  /** An absolute-form request target naming a host the sidecar does not serve. */
  | 'absolute_form'
  /** A `Host` that neither names the sidecar nor matches a configured route. */
  | 'unknown_host'
  /** No route matches and no configured cluster is named. */
  | 'no_route'
  /** The request head exceeds `sidecar.limits.maxHeaderBytes`. */
  | 'header_too_large'
  /** The request body exceeds `sidecar.limits.maxBodyBytes`. */
  | 'body_too_large'
  /** A malformed request or control header. */
  | 'bad_request'
  /** A request body in a transfer coding other than chunked (e.g. `gzip, chunked`). */
  | 'transfer_coding'
  /** A request that already passed through `MAX_SIDECAR_HOPS` sidecars (`via`): a routing loop. */
  | 'loop'
  /** The sidecar is draining and takes no new requests. */
  | 'draining';

/** The HTTP status each refusal is answered with. */
export const REFUSAL_STATUS: Readonly<Record<RefusalReason, number>> = Object.freeze({
  connect: 405,
  method: 405,
  absolute_form: 421,
  unknown_host: 421,
  no_route: 404,
  header_too_large: 431,
  body_too_large: 413,
  bad_request: 400,
  transfer_coding: 501,
  loop: 508,
  draining: 503,
});

/** The sidecar refused a request (open-proxy attempt, limit, bad input); nothing was forwarded. */
export class RefusedRequestError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_REFUSED';

  constructor(
    readonly reason: RefusalReason,
    message: string,
    /** The methods the target takes, for a 405's `allow`. */
    readonly allow?: string,
  ) {
    super(message, { retryable: reason === 'draining' });
  }

  /** The HTTP status of this refusal. */
  get status(): number {
    return REFUSAL_STATUS[this.reason];
  }
}
