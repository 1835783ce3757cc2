import { RequestAbortedError, SlipstreamError } from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { finished, Readable } from 'node:stream';
import type { HttpResponse } from './HttpResponse';

/** The response-body byte counts of an exchange, read live while its body streams. */
export interface BodyMeter {
  /** Response body bytes received so far, as on the wire. */
  readonly bytesInWire: number;
  /** Response body bytes delivered to `body` so far, after decoding. */
  readonly bytesInLogical: number;
  /**
   * When the exchange itself learns that its body is over: settles as `HttpStreamResponse.ended`
   * says. Undefined: the response watches its body (`stream.finished`, a handful of listeners).
   */
  readonly ended?: Promise<SlipstreamError | undefined>;
}

/**
 * A response handed over at its headers: `body` streams the (decoded) body with backpressure.
 * Read it to its end or `destroy()` it: until then the request holds its pool slot. The body
 * errors with a `SlipstreamError` (`ResponseTooLargeError`, `MalformedResponseError`,
 * `RequestAbortedError`, `RequestTimeoutError`, `ConnectionError`, `ClientClosedError`, ...).
 * The byte counts are those of this exchange, live until the body is over.
 */
export class HttpStreamResponse {
  /**
   * Settles once the body is over: undefined when it was read to its end, else the error that
   * ended it (`RequestAbortedError` when the reader destroyed it without one). Never rejects.
   * It listens from the start, so a body error never goes unhandled even before anyone reads.
   */
  readonly ended: Promise<SlipstreamError | undefined>;
  readonly #meter: BodyMeter;

  constructor(
    /** HTTP status code. */
    readonly statusCode: number,
    /** Response headers, lower-case names; `content-encoding` and `content-length` are removed when the body is decoded. */
    readonly headers: IncomingHttpHeaders,
    /** The (decoded) body. */
    readonly body: Readable,
    /** Where the live response-body byte counts are read. */
    meter: BodyMeter,
    /** Request body bytes before compression. Defaults to 0. */
    readonly bytesOutLogical = 0,
    /** Request body bytes as sent (after compression). Defaults to 0. */
    readonly bytesOutWire = 0,
    /**
     * How long the request waited in the client for a connection (the pool's queue and undici's,
     * until its last attempt started on one), ms: not the upstream's time. Defaults to 0.
     */
    readonly queuedMs = 0,
  ) {
    this.#meter = meter;
    this.ended =
      meter.ended ??
      new Promise((resolve) => {
        finished(body, (err) => resolve(bodyEnd(err)));
      });
  }

  /** A stream response over a buffered one (e.g. a breaker fallback): its body in one chunk. */
  static of(res: HttpResponse): HttpStreamResponse {
    return new HttpStreamResponse(
      res.statusCode,
      res.headers,
      Readable.from([res.body], { objectMode: false }),
      res,
      res.bytesOutLogical,
      res.bytesOutWire,
      res.queuedMs,
    );
  }

  /** Response body bytes received so far, as on the wire (final once the body is over). */
  get bytesInWire(): number {
    return this.#meter.bytesInWire;
  }

  /** Response body bytes delivered so far, after decoding (final once the body is over). */
  get bytesInLogical(): number {
    return this.#meter.bytesInLogical;
  }
}

/**
 * What `HttpStreamResponse.ended` settles with for a body that ended with `err`: undefined for
 * none, the `SlipstreamError` itself, else a `RequestAbortedError` caused by it.
 */
export function bodyEnd(err: Error | null | undefined): SlipstreamError | undefined {
  if (err === undefined || err === null) return undefined;
  if (SlipstreamError.is(err)) return err;
  return new RequestAbortedError('response body destroyed before its end', { cause: err });
}
