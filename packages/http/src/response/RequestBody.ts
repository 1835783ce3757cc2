import type { Readable } from 'node:stream';

/**
 * A request body sent as it flows (a `Readable` or any async iterable of bytes), with
 * backpressure. It can be read once only, so a request carrying one is never replayed: not on a
 * stale socket, not retried, not hedged (it counts as non-idempotent whatever its method).
 */
export type StreamedBody = Readable | AsyncIterable<Uint8Array>;

/** A request body: bytes (replayable) or a `StreamedBody` (sent once). */
export type RequestBody = Buffer | string | StreamedBody;

/** Whether `body` is a `StreamedBody` (not bytes). */
export function isStreamedBody(body: RequestBody | undefined | null): body is StreamedBody {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}
