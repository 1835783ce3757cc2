import { RequestAbortedError } from '@slipstream/contracts';
import type { IncomingMessage } from 'node:http';
import { RefusedRequestError } from '../errors/RefusedRequestError';

/**
 * Collects `req`'s body, at most `maxBytes`: undefined for a request without one. Rejects with
 * `RefusedRequestError('body_too_large')` as soon as the declared or the received length passes
 * the limit (the rest is not read), and with the stream's error when the client goes away.
 * `invite` (sending `100 Continue` to a client that waits for it) is called once the declared
 * length is accepted, so a body over the limit is refused without having been invited.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  invite?: () => void,
): Promise<Buffer | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  invite?.();
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(size === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new RequestAbortedError('the client closed the connection before its request body ended'));
    };
    const cleanup = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(maxBytes: number): RefusedRequestError {
  return new RefusedRequestError('body_too_large', `the request body exceeds ${maxBytes} bytes`);
}
