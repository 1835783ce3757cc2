import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

const DECODERS: Record<string, (input: Buffer) => Buffer> = {
  identity: (input) => input,
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  br: brotliDecompressSync,
  deflate: inflateSync,
};

/** A request body as received: wire bytes, and the decoded bytes unless decoding failed. */
export interface RequestBody {
  /** The Content-Encoding, lower case, `identity` when none. */
  encoding: string;
  /** Bytes received on the wire. */
  wireBytes: number;
  /** The decoded body, or `undefined` when the encoding is unknown or the bytes do not decode. */
  decoded: Buffer | undefined;
}

/** Reads a request body, decoding `Content-Encoding: gzip | br | deflate`. */
export async function readRequestBody(req: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decode = DECODERS[encoding];
  let decoded: Buffer | undefined;
  try {
    decoded = decode?.(raw);
  } catch {
    decoded = undefined;
  }
  return { encoding, wireBytes: raw.length, decoded };
}
