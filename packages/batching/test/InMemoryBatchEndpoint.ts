import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { BatchResponse, BatchSender, EncodedBatch } from '../src';

/** A JSON-RPC request as the endpoint received it. */
export interface ReceivedCall {
  jsonrpc: string;
  id: number;
  method: string;
  params?: unknown;
}

/** One batch the endpoint received, held until it is answered when `manual`. */
export interface ReceivedBatch {
  calls: ReceivedCall[];
  headers: Readonly<Record<string, string>>;
  signal: AbortSignal;
  respond(response: BatchResponse): void;
  fail(error: Error): void;
}

/** By default every call is answered `{ echo: method, params }`. */
export function echoResponse(calls: readonly ReceivedCall[]): BatchResponse {
  return {
    status: 200,
    headers: {},
    body: JSON.stringify(
      calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: { echo: c.method, params: c.params } })),
    ),
  };
}

function decodeBody(batch: EncodedBatch): string {
  const { body } = batch;
  if (typeof body === 'string') return body;
  const encoding = batch.headers['content-encoding'];
  const raw = Buffer.from(body);
  const plain = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : raw;
  return plain.toString('utf8');
}

/**
 * An in-memory batch endpoint for unit tests. Answers at once with `handler`, or, when
 * `manual`, holds every batch in `received` until the test answers it. Rejects on abort.
 */
export class InMemoryBatchEndpoint {
  readonly received: ReceivedBatch[] = [];
  manual = false;
  handler: (calls: ReceivedCall[]) => BatchResponse = echoResponse;

  readonly sender: BatchSender = (batch, signal) =>
    new Promise<BatchResponse>((resolve, reject) => {
      const calls = JSON.parse(decodeBody(batch)) as ReceivedCall[];
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      const received: ReceivedBatch = {
        calls,
        headers: batch.headers,
        signal,
        respond: (response) => {
          signal.removeEventListener('abort', onAbort);
          resolve(response);
        },
        fail: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.received.push(received);
      if (!this.manual) received.respond(this.handler(calls));
    });

  /** Sizes of the batches received so far. */
  get sizes(): number[] {
    return this.received.map((b) => b.calls.length);
  }
}
