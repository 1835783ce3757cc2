/** The calls of a JSON-RPC 2.0 body, and whether it was a batch (an array). */
export interface JsonRpcBody {
  calls: unknown[];
  batch: boolean;
}

/** Parses a JSON-RPC 2.0 body (single or batch); `undefined` when it is not JSON. */
export function parseJsonRpcBody(text: string): JsonRpcBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const batch = Array.isArray(parsed);
  return { calls: batch ? (parsed as unknown[]) : [parsed], batch };
}
