import { promisify } from 'node:util';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { CompressionAlgorithm } from '@slipstream/contracts';

type Codec = (buf: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>;

/** Request-body encoders by algorithm (off the event loop, on libuv's pool). */
export const ENCODERS: Readonly<Record<Exclude<CompressionAlgorithm, 'none'>, Codec>> = Object.freeze({
  gzip: promisify(zlib.gzip),
  br: promisify(zlib.brotliCompress),
});

/** Streaming request-body encoders by algorithm (for a streamed body). */
export const STREAM_ENCODERS: Readonly<Record<Exclude<CompressionAlgorithm, 'none'>, () => Transform>> =
  Object.freeze({ gzip: zlib.createGzip, br: zlib.createBrotliCompress });

/** Response-body decoders by `content-encoding` token. */
export const DECODERS: Readonly<Record<string, Codec | undefined>> = Object.freeze({
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  br: promisify(zlib.brotliDecompress),
  deflate: promisify(zlib.inflate),
});

/** Streaming response-body decoders by `content-encoding` token; the same tokens as `DECODERS`. */
export const STREAM_DECODERS: Readonly<Record<string, (() => Transform) | undefined>> = Object.freeze({
  gzip: zlib.createGunzip,
  'x-gzip': zlib.createGunzip,
  br: zlib.createBrotliDecompress,
  deflate: zlib.createInflate,
});

/** What `Accept-Encoding` announces: exactly what `DECODERS` can decode. */
export const ACCEPT_ENCODING = 'br, gzip, deflate';
