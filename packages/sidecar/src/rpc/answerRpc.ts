import type { ClientCallOptions } from '@slipstream/client';
import { RpcError, SlipstreamError } from '@slipstream/contracts';

/** What `answerRpc` needs of the pipeline: its JSON-RPC batcher. */
export interface RpcTarget {
  call<T = unknown>(method: string, params?: unknown, opts?: ClientCallOptions): Promise<T>;
}

/** The HTTP answer of the coalescing endpoint: a JSON-RPC response (or none, 204, for notifications). */
export interface RpcAnswer {
  status: number;
  body: string | undefined;
  /** Calls read from the body. */
  calls: number;
}

/** JSON-RPC 2.0 error codes of the specification. */
const PARSE_ERROR = -32_700;
const INVALID_REQUEST = -32_600;
/** The implementation-defined server error used when the pipeline gave no answer to one call of an array. */
const SERVER_ERROR = -32_000;

interface RpcCall {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
  id?: string | number | null;
}

const PRIORITIES: ReadonlySet<string> = new Set(['critical', 'standard', 'bulk']);

/**
 * Answers the body of `POST /_slipstream/rpc/<cluster>`: one JSON-RPC 2.0 call (or an array of
 * them), each handed to the batcher of `cluster` through `target.call()`, which coalesces the
 * calls of every client into batches to the upstream; each caller is answered with its own id
 * and its own result or error object. A single call the pipeline could not deliver (shed,
 * deadline, upstream failure) rejects with that error, so the caller gets its HTTP status; in an
 * array it becomes that call's error object (code -32000, `data.code` the `SLIP_ERR_*`).
 */
export async function answerRpc(
  target: RpcTarget,
  cluster: string,
  body: Buffer | undefined,
  options: { priority?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<RpcAnswer> {
  let message: unknown;
  try {
    message = JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return answer([errorObject(null, PARSE_ERROR, 'parse error')], false, 1);
  }
  const priority =
    options.priority !== undefined && PRIORITIES.has(options.priority)
      ? (options.priority as ClientCallOptions['priority'])
      : undefined;
  const callOptions: ClientCallOptions = {
    cluster,
    priority,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  };
  if (!Array.isArray(message)) {
    const reply = await answerOne(target, message, callOptions, false);
    return answer(reply === undefined ? [] : [reply], false, 1);
  }
  if (message.length === 0) return answer([errorObject(null, INVALID_REQUEST, 'empty batch')], false, 0);
  const replies = await Promise.all(message.map((m) => answerOne(target, m, callOptions, true)));
  return answer(
    replies.filter((r) => r !== undefined),
    true,
    message.length,
  );
}

/** One call's response object; undefined for a notification. */
async function answerOne(
  target: RpcTarget,
  message: unknown,
  options: ClientCallOptions,
  inArray: boolean,
): Promise<object | undefined> {
  if (!isCall(message)) {
    const id = (message as { id?: unknown } | null)?.id;
    return errorObject(
      typeof id === 'string' || typeof id === 'number' ? id : null,
      INVALID_REQUEST,
      'invalid request',
    );
  }
  const id = message.id;
  try {
    const result = await target.call(message.method, message.params, options);
    return id === undefined ? undefined : { jsonrpc: '2.0', id, result };
  } catch (err) {
    if (RpcError.is(err)) {
      const e = err;
      return id === undefined ? undefined : errorObject(id, e.rpcCode, e.message, e.data);
    }
    if (!inArray) throw err;
    const code = SlipstreamError.is(err) ? err.code : SlipstreamError.code;
    return id === undefined
      ? undefined
      : errorObject(id, SERVER_ERROR, String((err as Error).message), { code });
  }
}

function isCall(value: unknown): value is RpcCall {
  if (typeof value !== 'object' || value === null) return false;
  const call = value as Partial<RpcCall>;
  const id = call.id;
  return (
    call.jsonrpc === '2.0' &&
    typeof call.method === 'string' &&
    (id === undefined || id === null || typeof id === 'string' || typeof id === 'number')
  );
}

function errorObject(id: RpcCall['id'], code: number, message: string, data?: unknown): object {
  return {
    jsonrpc: '2.0',
    id: id ?? null,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}

function answer(replies: object[], array: boolean, calls: number): RpcAnswer {
  if (replies.length === 0) return { status: 204, body: undefined, calls };
  return { status: 200, body: JSON.stringify(array ? replies : replies[0]), calls };
}
