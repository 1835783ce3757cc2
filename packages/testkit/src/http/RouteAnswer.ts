import type { OutgoingHttpHeaders } from 'node:http';

/** A route's own answer (built-in, echo or forwarded), before the behaviour's overrides. */
export interface RouteAnswer {
  status: number;
  /** Body bytes or text; `undefined` for an empty body. */
  body: Buffer | string | undefined;
  contentType: string;
  /** Further response headers (a forwarded answer's own). Defaults to none. */
  headers?: OutgoingHttpHeaders;
}

/** A JSON answer of `value` with `status`. */
export function jsonAnswer(status: number, value: unknown): RouteAnswer {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}
