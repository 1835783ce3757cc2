import { MalformedResponseError } from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A buffered response. `body` is already decoded when the upstream compressed it. The byte
 * counts are those of this exchange (the last attempt on the wire); 0 for a response made
 * locally (a breaker fallback).
 */
export class HttpResponse {
  constructor(
    /** HTTP status code. */
    readonly statusCode: number,
    /** Response headers, lower-case names; `content-encoding` is removed once the body was decoded. */
    readonly headers: IncomingHttpHeaders,
    /** The whole (decoded) body. */
    readonly body: Buffer,
    /** Response body bytes as received (before decoding). Defaults to 0. */
    readonly bytesInWire = 0,
    /** Request body bytes before compression. Defaults to 0. */
    readonly bytesOutLogical = 0,
    /** Request body bytes as sent (after compression). Defaults to 0. */
    readonly bytesOutWire = 0,
    /**
     * How long the request waited in the client for a connection (the pool's queue and undici's,
     * until its last attempt started on one), ms: not the upstream's time. Defaults to 0.
     */
    readonly queuedMs = 0,
  ) {}

  /** Response body bytes after decoding: the length of `body`. */
  get bytesInLogical(): number {
    return this.body.length;
  }

  /** The body as UTF-8 text. */
  text(): string {
    return this.body.toString('utf8');
  }

  /** The body parsed as JSON; a `MalformedResponseError` when it is not JSON. */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.body.toString('utf8')) as T;
    } catch (err) {
      throw new MalformedResponseError(`response body is not JSON (status ${this.statusCode})`, {
        cause: err,
      });
    }
  }
}
