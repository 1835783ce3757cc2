const FILLER = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A JSON document of exactly `size` bytes (at least the 11 bytes of `{"data":""}`). */
export function generateJsonBody(size: number): string {
  const padding = Math.max(0, size - '{"data":""}'.length);
  return JSON.stringify({ data: FILLER.repeat(Math.ceil(padding / FILLER.length)).slice(0, padding) });
}
