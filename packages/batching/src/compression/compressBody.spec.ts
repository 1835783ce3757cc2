import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compressBody } from './compressBody';

const text = JSON.stringify(
  Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'echo' })),
);

describe('compressBody', () => {
  it('when the body is below the threshold, sends it as it is', async () => {
    await expect(compressBody('{}', 'gzip', 1_024)).resolves.toEqual({
      body: '{}',
      logicalBytes: 2,
      wireBytes: 2,
    });
  });

  it("when the algorithm is 'none', sends it as it is", async () => {
    const out = await compressBody(text, 'none', 0);
    expect(out.contentEncoding).toBeUndefined();
    expect(out.wireBytes).toBe(out.logicalBytes);
  });

  it.each([
    ['gzip' as const, gunzipSync],
    ['br' as const, brotliDecompressSync],
  ])('when the algorithm is %s, compresses and measures both sizes', async (algorithm, decompress) => {
    const out = await compressBody(text, algorithm, 0);
    expect(out.contentEncoding).toBe(algorithm);
    expect(decompress(out.body as Uint8Array).toString()).toBe(text);
    expect(out.logicalBytes).toBe(Buffer.byteLength(text));
    expect(out.wireBytes).toBe((out.body as Uint8Array).byteLength);
    expect(out.wireBytes).toBeLessThan(out.logicalBytes);
  });
});
