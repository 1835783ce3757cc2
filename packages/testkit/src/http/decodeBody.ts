import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

const DECODERS: Record<string, (input: Buffer) => Buffer> = {
  identity: (input) => input,
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  br: brotliDecompressSync,
  deflate: inflateSync,
};

/** A body and its Content-Encoding: the encoding named, and the decoded bytes unless decoding failed. */
export interface DecodedBody {
  /** The Content-Encoding, lower case, `identity` when none. */
  encoding: string;
  /** The decoded body, or `undefined` when the encoding is unknown or the bytes do not decode. */
  decoded: Buffer | undefined;
}

/** Decodes `raw` sent with `Content-Encoding: contentEncoding` (gzip, br, deflate or none). */
export function decodeBody(raw: Buffer, contentEncoding: string | undefined): DecodedBody {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  const decode = DECODERS[encoding];
  let decoded: Buffer | undefined;
  try {
    decoded = decode?.(raw);
  } catch {
    decoded = undefined;
  }
  return { encoding, decoded };
}
