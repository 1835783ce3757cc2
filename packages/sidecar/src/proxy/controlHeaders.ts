import { MAX_TIMER_MS } from '@slipstream/config';
import type { IncomingHttpHeaders } from 'node:http';
import { RefusedRequestError } from '../errors/RefusedRequestError';
import { CONTROL_HEADERS } from './forwardedRequest';

/** The per-request settings a caller gives the sidecar in `x-slipstream-*` headers. */
export interface ControlHeaders {
  /** `x-slipstream-priority`: the QoS class. */
  priority?: string;
  /** `x-slipstream-timeout-ms`: the overall deadline, ms. */
  timeoutMs?: number;
  /** `x-slipstream-sticky-key`: the sticky-session key. */
  stickyKey?: string;
  /** `x-slipstream-cluster`: the cluster to use when no route matches. */
  cluster?: string;
}

/** Reads the control headers; a `RefusedRequestError('bad_request')` for a deadline that is not a positive integer up to `MAX_TIMER_MS` (a longer timer would fire at once). */
export function readControlHeaders(headers: IncomingHttpHeaders): ControlHeaders {
  const timeout = one(headers, CONTROL_HEADERS.timeoutMs);
  let timeoutMs: number | undefined;
  if (timeout !== undefined) {
    timeoutMs = Number(timeout);
    if (!/^\d+$/.test(timeout.trim()) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
      throw new RefusedRequestError(
        'bad_request',
        `${CONTROL_HEADERS.timeoutMs}: expected a positive integer of ms up to ${MAX_TIMER_MS}, received ${JSON.stringify(timeout)}`,
      );
    }
  }
  return {
    priority: one(headers, CONTROL_HEADERS.priority),
    timeoutMs,
    stickyKey: one(headers, CONTROL_HEADERS.stickyKey),
    cluster: one(headers, CONTROL_HEADERS.cluster),
  };
}

/** The (first) value of header `name`. */
function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
