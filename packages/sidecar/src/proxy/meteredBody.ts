import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { RefusedRequestError } from '../errors/RefusedRequestError';

/** A request body passed through as it flows, and what its meter found. */
export interface MeteredBody {
  /** The body stream (undefined for a request without one). */
  body: Transform | undefined;
  /** Set once the body passed the limit (the stream is then destroyed with it). */
  exceeded: RefusedRequestError | undefined;
}

/**
 * Passes `req`'s body through unbuffered, counting its bytes as they flow: a declared length
 * above `maxBytes` is refused at once (`RefusedRequestError('body_too_large')`), a received one
 * destroys the stream with that error when it passes the limit (which aborts the upstream request).
 */
export function meteredBody(req: IncomingMessage, maxBytes: number): MeteredBody {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const metered: MeteredBody = { body: undefined, exceeded: undefined };
  if (declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined)) {
    return metered;
  }
  let size = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        metered.exceeded = tooLarge(maxBytes);
        done(metered.exceeded);
        return;
      }
      done(null, chunk);
    },
  });
  req.on('error', (err) => body.destroy(err));
  req.on('aborted', () =>
    body.destroy(new Error('the client closed the connection before its request body ended')),
  );
  req.pipe(body);
  metered.body = body;
  return metered;
}

function tooLarge(maxBytes: number): RefusedRequestError {
  return new RefusedRequestError('body_too_large', `the request body exceeds ${maxBytes} bytes`);
}
