import { RequestAbortedError, type SlipstreamError } from '@slipstream/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { STREAM_DECODERS } from '../compression/codecs';
import { corruptBody, decodedTooLarge } from '../errors/decodeErrors';
import { bodyEnd, HttpStreamResponse, type BodyMeter } from '../response/HttpStreamResponse';
import { ExchangeTask } from './ExchangeTask';

/**
 * One streamed request: resolves at the response headers with a body stream that decodes as
 * it goes and pauses the socket when its reader falls behind (undici's pause/resume), so the
 * body is never held whole. The slot is held until the body is over: read to its end,
 * errored, or destroyed by its reader (which aborts the exchange and frees the socket). The
 * origin's byte counters are credited then.
 */
export class StreamTask extends ExchangeTask<HttpStreamResponse> implements BodyMeter {
  /** @inheritdoc */
  bytesInWire = 0;
  /** @inheritdoc */
  bytesInLogical = 0;
  /** @inheritdoc */
  ended: Promise<SlipstreamError | undefined> | undefined;
  #settleEnded: ((end: SlipstreamError | undefined) => void) | undefined;
  #body: Readable | undefined;
  /** The `content-encoding` token to decode, when there is a decoder for it. */
  #encoding: string | undefined;
  #decoder: Transform | undefined;
  #closed = false;
  /** A bodiless response, handed over at its end (see `onFinalResponse`). */
  #whole: HttpStreamResponse | undefined;

  /** @inheritdoc */
  protected onFinalResponse(headers: IncomingHttpHeaders): void {
    if (this.settled) return;
    const encoding = headers['content-encoding']?.trim().toLowerCase();
    if (this.decode && encoding !== undefined && STREAM_DECODERS[encoding] !== undefined) {
      this.#encoding = encoding;
      delete headers['content-encoding'];
      delete headers['content-length'];
    }
    const body = new TaskBody(this);
    this.#body = body;
    // Settled by `close`, which every end of the body goes through: no `stream.finished`
    // listeners. Its error is reported there, so it never goes unhandled, even before anyone reads.
    this.ended = new Promise((resolve) => (this.#settleEnded = resolve));
    body.on('error', reportedByEnded);
    this.owner.holdStream(this);
    const response = new HttpStreamResponse(
      this.statusCode,
      headers,
      body,
      this,
      this.bodyLogical,
      this.bodyWire,
      this.queuedMs,
    );
    // A response without a body is whole at its end, which follows its headers at once: it is
    // handed over then, so that what undici finds wrong with the message (a 204 with body bytes)
    // fails the request instead of breaking off a body after its status was passed on.
    if (this.bodiless) this.#whole = response;
    // The caller's signal cuts the body too, unless it covered the wait for the headers only.
    else this.resolveWith(response, !this.signalUntilHeaders);
  }

  /** @inheritdoc */
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#closed) return;
    this.bytesInWire += chunk.length;
    const decoder = this.#decoder ?? this.#startDecoder();
    if (decoder === undefined) this.#deliver(chunk);
    else decoder.write(chunk);
  }

  /** @inheritdoc */
  onResponseEnd(): void {
    // The socket is undici's again; the slot stays held until the reader is done with the body.
    this.controller = null;
    if (this.#whole !== undefined) this.resolveWith(this.#whole, !this.signalUntilHeaders);
    if (this.#decoder === undefined) this.#end();
    else this.#decoder.end();
  }

  /** Cuts the body with `err` (the pool is being destroyed). */
  cut(err: SlipstreamError): void {
    this.#body?.destroy(err);
  }

  /** The caller's signal fired after the headers: the body ends with that error. */
  protected override cancelResponse(err: SlipstreamError): void {
    this.#body?.destroy(err);
  }

  /** @inheritdoc */
  protected override failed(err: SlipstreamError): void {
    // Not handed over yet (before the headers, or a bodiless response before its end): the request fails.
    if (!this.settled) this.rejectWith(err);
    this.#body?.destroy(err);
  }

  /** A decoder for the first body chunk of an encoded body (an empty body never needs one). */
  #startDecoder(): Transform | undefined {
    const encoding = this.#encoding;
    if (encoding === undefined) return undefined;
    const decoder = STREAM_DECODERS[encoding]!();
    decoder.on('data', (chunk: Buffer) => this.#deliver(chunk));
    decoder.on('end', () => this.#end());
    decoder.on('error', (err: Error) => this.#body?.destroy(corruptBody(encoding, err, this.idempotent)));
    this.#decoder = decoder;
    return decoder;
  }

  #deliver(chunk: Buffer): void {
    const body = this.#body;
    if (body === undefined || body.destroyed) return;
    this.bytesInLogical += chunk.length;
    const limit = this.maxResponseSize;
    if (limit > 0 && this.bytesInLogical > limit) return void body.destroy(decodedTooLarge(limit));
    if (!body.push(chunk)) {
      this.controller?.pause();
      this.#decoder?.pause();
    }
  }

  /** The reader wants more (called by the body). */
  pull(): void {
    this.controller?.resume();
    this.#decoder?.resume();
  }

  #end(): void {
    const body = this.#body;
    if (body === undefined || body.destroyed) return;
    body.push(null);
    // An empty body (HEAD, 204, 304) ends, and frees its slot, without waiting for a reader: reading it loses nothing.
    if (this.bytesInLogical === 0) body.resume();
  }

  /**
   * The body is over (ended, errored or destroyed; called by the body): abort what is left on
   * the wire, free the slot, count the bytes.
   */
  close(err: Error | null): void {
    if (this.#closed) return;
    this.#closed = true;
    // Destroyed without an error before its end was read: cut short, as `stream.finished` reports it.
    const end =
      err === null && this.#body?.readableEnded === false
        ? new Error('the body was destroyed before its end')
        : err;
    this.#settleEnded?.(bodyEnd(end));
    this.stopListening();
    this.owner.dropStream(this);
    this.#decoder?.destroy();
    this.controller?.abort(err ?? new RequestAbortedError('response body destroyed by its reader'));
    this.finish();
    const counters = this.owner.counters;
    counters.bytesInWire += this.bytesInWire;
    counters.bytesInLogical += this.bytesInLogical;
  }
}

/** The listener that keeps a body's error from going unhandled: `ended` reports it. */
function reportedByEnded(): void {}

/**
 * A streamed response's body: reading it pulls from its task, destroying it closes the task.
 * A subclass rather than `new Readable({ read, destroy })`: no closures per body, and every body
 * has the same shape (the options would add own `_read`/`_destroy` properties to each).
 */
class TaskBody extends Readable {
  constructor(private readonly task: StreamTask) {
    super();
  }

  override _read(): void {
    this.task.pull();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.task.close(err);
    callback(err);
  }
}
