import { UpstreamStatusError } from '@slipstream/contracts';
import type { HttpResponse, HttpStreamResponse } from '@slipstream/http';

/**
 * An attempt got a response whose status counts as a failure (5xx, 429). It carries the
 * response (and its headers, for `Retry-After`) so breaker and retry can read data, and so the
 * caller gets the last response when no retry is left. `R` is the buffered `HttpResponse` of
 * `request()` or the `HttpStreamResponse` of `stream()` (its body not read yet).
 */
export class UpstreamResponseError<
  R extends HttpResponse | HttpStreamResponse = HttpResponse,
> extends UpstreamStatusError {
  /** The response's headers (the retry policy reads `retry-after` here). */
  readonly headers: R['headers'];

  constructor(readonly response: R) {
    super(response.statusCode, `upstream answered ${response.statusCode}`);
    this.headers = response.headers;
  }
}
