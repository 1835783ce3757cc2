import { randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { ResponseEncoding } from '../behaviour/Behaviour';

const ENCODERS: Record<ResponseEncoding, (input: Buffer) => Buffer> = {
  gzip: gzipSync,
  br: brotliCompressSync,
  deflate: deflateSync,
};

/** A response body ready for the wire. */
export interface EncodedBody {
  /** The bytes to send. */
  wire: Buffer;
  /** The Content-Encoding to declare, if any. */
  encoding: string | undefined;
}

function accepts(acceptEncoding: string | undefined, encoding: string): boolean {
  if (acceptEncoding === undefined) return false;
  return acceptEncoding.split(',').some((part) => {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (name === encoding || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * Compresses `body` with `compress` when the client's Accept-Encoding allows it; with
 * `corrupt`, declares gzip but sends bytes that are not gzip.
 */
export function encodeResponseBody(
  body: Buffer,
  acceptEncoding: string | undefined,
  compress: ResponseEncoding | undefined,
  corrupt: boolean,
): EncodedBody {
  if (corrupt) return { wire: Buffer.concat([Buffer.from('not-gzip:'), randomBytes(16)]), encoding: 'gzip' };
  if (compress === undefined || !accepts(acceptEncoding, compress))
    return { wire: body, encoding: undefined };
  return { wire: ENCODERS[compress](body), encoding: compress };
}
