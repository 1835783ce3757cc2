import type { CompressionAlgorithm } from '@slipstream/contracts';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** A request body as it goes on the wire. */
export interface CompressedBody {
  /** The bytes (or text, when not compressed) to send. */
  body: Uint8Array | string;
  /** The `Content-Encoding` to send, when the body was compressed. */
  contentEncoding?: 'gzip' | 'br';
  /** Body bytes before compression. */
  logicalBytes: number;
  /** Body bytes as sent. */
  wireBytes: number;
}

/**
 * Compresses `body` with `algorithm` when it is at least `thresholdBytes` long, off the
 * main thread (zlib's async API). Smaller bodies and `'none'` travel as they are.
 */
export async function compressBody(
  body: string,
  algorithm: CompressionAlgorithm,
  thresholdBytes: number,
): Promise<CompressedBody> {
  const logicalBytes = Buffer.byteLength(body);
  if (algorithm === 'none' || logicalBytes < thresholdBytes) {
    return { body, logicalBytes, wireBytes: logicalBytes };
  }
  const compressed =
    algorithm === 'gzip'
      ? await gzipAsync(body)
      : await brotliAsync(body, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            // Quality 4 keeps latency low; the default (11) costs milliseconds per batch.
            [constants.BROTLI_PARAM_QUALITY]: 4,
            [constants.BROTLI_PARAM_SIZE_HINT]: logicalBytes,
          },
        });
  return { body: compressed, contentEncoding: algorithm, logicalBytes, wireBytes: compressed.byteLength };
}
