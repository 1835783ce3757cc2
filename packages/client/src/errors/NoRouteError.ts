import { SlipstreamError } from '@slipstream/contracts';

/** A request matched no route and named no known cluster: the client cannot tell where to send it. */
export class NoRouteError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_NO_ROUTE';
}
