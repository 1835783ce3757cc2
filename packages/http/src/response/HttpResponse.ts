import { MalformedResponseError } from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';

/** A buffered response. `body` is already decoded when the upstream compressed it. */
export class HttpResponse {
  constructor(
    /** HTTP status code. */
    readonly statusCode: number,
    /** Response headers, lower-case names; `content-encoding` is removed once the body was decoded. */
    readonly headers: IncomingHttpHeaders,
    /** The whole (decoded) body. */
    readonly body: Buffer,
  ) {}

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
