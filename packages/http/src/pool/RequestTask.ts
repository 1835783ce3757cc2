import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { DECODERS } from '../compression/codecs';
import { corruptBody, decodedTooLarge } from '../errors/decodeErrors';
import { HttpResponse } from '../response/HttpResponse';
import { ExchangeTask } from './ExchangeTask';

const EMPTY = Buffer.alloc(0);

/** One buffered request: collects the whole response body, decodes it, then resolves. */
export class RequestTask extends ExchangeTask<HttpResponse> {
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #wireBytes = 0;

  /** @inheritdoc */
  protected onFinalResponse(headers: IncomingHttpHeaders): void {
    this.#headers = headers;
  }

  /** @inheritdoc */
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#wireBytes += chunk.length;
  }

  /** @inheritdoc */
  onResponseEnd(): void {
    this.finish();
    const wire = this.#wireBytes;
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, wire);
    const counters = this.owner.counters;
    counters.bytesInWire += wire;
    if (this.settled) return;
    const encoding = wire === 0 || !this.decode ? undefined : this.#headers['content-encoding'];
    const decode = encoding === undefined ? undefined : DECODERS[encoding.trim().toLowerCase()];
    if (encoding === undefined || decode === undefined) {
      counters.bytesInLogical += wire;
      return this.resolveWith(this.#response(this.#headers, body));
    }
    const limit = this.maxResponseSize;
    decode(body, limit > 0 ? { maxOutputLength: limit } : {}).then(
      (decoded) => {
        counters.bytesInLogical += decoded.length;
        const headers = this.#headers;
        delete headers['content-encoding'];
        delete headers['content-length'];
        this.resolveWith(this.#response(headers, decoded));
      },
      (err: unknown) =>
        this.rejectWith(
          (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
            ? decodedTooLarge(limit, err)
            : corruptBody(encoding, err, this.idempotent),
        ),
    );
  }

  #response(headers: IncomingHttpHeaders, body: Buffer): HttpResponse {
    return new HttpResponse(
      this.statusCode,
      headers,
      body,
      this.#wireBytes,
      this.bodyLogical,
      this.bodyWire,
      this.queuedMs,
    );
  }
}
