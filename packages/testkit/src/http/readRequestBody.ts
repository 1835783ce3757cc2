import type { IncomingMessage } from 'node:http';
import { decodeBody, type DecodedBody } from './decodeBody';

/** A request body as received: wire bytes, and the decoded bytes unless decoding failed. */
export interface RequestBody extends DecodedBody {
  /** Bytes received on the wire. */
  wireBytes: number;
}

/** Reads a request body, decoding `Content-Encoding: gzip | br | deflate`. */
export async function readRequestBody(req: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return { ...decodeBody(raw, req.headers['content-encoding']), wireBytes: raw.length };
}
