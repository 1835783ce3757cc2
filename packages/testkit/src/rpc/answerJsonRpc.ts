import type { RpcBehaviour, RpcId } from '../behaviour/Behaviour';
import { RpcError } from '@slipstream/contracts';
import { parseJsonRpcBody } from './parseJsonRpcBody';
import { RPC_METHODS } from './rpcMethods';

/** A JSON-RPC error object. */
interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** The HTTP answer of the JSON-RPC endpoint, and what it received. */
export interface RpcAnswer {
  status: number;
  /** The body to send, or `undefined` for 204 (only notifications). */
  body: string | undefined;
  /** Calls received. */
  calls: number;
  /** Whether the body was a batch (an array). */
  batch: boolean;
}

type RpcResponse = { jsonrpc: '2.0'; id: RpcId | null } & ({ result: unknown } | { error: RpcErrorObject });

const errorResponse = (id: RpcId | null, error: RpcErrorObject): RpcResponse => ({
  jsonrpc: '2.0',
  id,
  error,
});

const isId = (v: unknown): v is RpcId => typeof v === 'string' || typeof v === 'number';

async function answerCall(
  call: unknown,
  rpc: RpcBehaviour,
  signal: AbortSignal,
): Promise<RpcResponse | null> {
  const c = (typeof call === 'object' && call !== null ? call : {}) as Record<string, unknown>;
  const hasId = 'id' in c;
  const id = isId(c.id) ? c.id : null;
  if (c.jsonrpc !== '2.0' || typeof c.method !== 'string' || (hasId && c.id !== null && !isId(c.id)))
    return errorResponse(id, { code: -32600, message: 'Invalid Request' });
  const method = RPC_METHODS[c.method];
  let response: RpcResponse;
  if (id !== null && rpc.errorIds?.includes(id)) {
    response = errorResponse(id, { code: -32000, message: 'injected error', data: { method: c.method } });
  } else if (method === undefined) {
    response = errorResponse(id, { code: -32601, message: `Method not found: ${c.method}` });
  } else {
    try {
      response = { jsonrpc: '2.0', id, result: await method(c.params, signal) };
    } catch (err) {
      if (!RpcError.is(err)) throw err;
      response = errorResponse(id, { code: err.rpcCode, message: err.message, data: err.data });
    }
  }
  return hasId ? response : null;
}

/**
 * Answers a JSON-RPC 2.0 body (single or batch) with the built-in methods, applying the
 * injected faults: item errors, omitted or duplicated ids, a failed batch, a malformed body.
 */
export async function answerJsonRpc(
  text: string,
  rpc: RpcBehaviour,
  signal: AbortSignal,
): Promise<RpcAnswer> {
  const parsed = parseJsonRpcBody(text);
  if (parsed === undefined) {
    return {
      status: 200,
      body: JSON.stringify(errorResponse(null, { code: -32700, message: 'Parse error' })),
      calls: 0,
      batch: false,
    };
  }
  const { calls, batch } = parsed;
  const received = { calls: calls.length, batch };
  if (rpc.failBatch)
    return { ...received, status: 500, body: JSON.stringify({ error: 'injected batch failure' }) };
  if (rpc.malformed) return { ...received, status: 200, body: '{"jsonrpc":"2.0", this is not json' };
  if (batch && calls.length === 0)
    return {
      ...received,
      status: 200,
      body: JSON.stringify(errorResponse(null, { code: -32600, message: 'Invalid Request' })),
    };

  const answered = await Promise.all(calls.map((call) => answerCall(call, rpc, signal)));
  const responses = answered.flatMap((r): RpcResponse[] => {
    if (r === null || (r.id !== null && rpc.omitIds?.includes(r.id))) return [];
    return r.id !== null && rpc.duplicateIds?.includes(r.id) ? [r, r] : [r];
  });
  if (responses.length === 0) return { ...received, status: 204, body: undefined };
  return { ...received, status: 200, body: JSON.stringify(batch ? responses : responses[0]) };
}
