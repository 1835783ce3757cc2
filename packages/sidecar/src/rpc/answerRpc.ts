import type { ClientCallOptions } from '@slipstream/client';
import { PayloadNotSerializableError, RpcError, SlipstreamError } from '@slipstream/contracts';
import { UnknownQosClassError } from '@slipstream/routing';
import { RefusedRequestError } from '../errors/RefusedRequestError';

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
const INVALID_PARAMS = -32_602;
/** The implementation-defined server error used when the pipeline gave no answer to one call of an array. */
const SERVER_ERROR = -32_000;

interface RpcCall {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
  id?: string | number | null;
}

/** The priorities of a call (`x-slipstream-priority` on this endpoint): the batcher's. */
const PRIORITIES: readonly string[] = ['critical', 'standard', 'bulk'];

/**
 * Answers the body of `POST /_slipstream/rpc/<cluster>`: one JSON-RPC 2.0 call (or an array of
 * them), each handed to the batcher of `cluster` through `target.call()`, which coalesces the
 * calls of every client into batches to the upstream; each caller is answered with its own id
 * and its own result or error object. A single call the pipeline could not deliver (shed,
 * deadline, upstream failure) rejects with that error, so the caller gets its HTTP status; in an
 * array it becomes that call's error object (code -32000, `data.code` the `SLIP_ERR_*`).
 *
 * Ids are answered as sent (JSON-RPC 2.0 §5): a numeric id with the digits of its request, even
 * one a double cannot hold (`9007199254740993`, `1e400`, `1.0`), since `JSON.parse` reads numbers
 * as doubles: when an `id` member's number is not the text `JSON.stringify` gives its double, the
 * ids' source text is read from a second parse of the body with every number quoted.
 *
 * The caller's mistakes in a call are answered, like every other bad call, as JSON-RPC error
 * objects (HTTP 200; in an array, for that call only): an unparsable body -32700, a call that is
 * no request object -32600, params the batcher cannot serialise to send (nested too deep for
 * `JSON.stringify`) -32602 with `data.code` `SLIP_ERR_PAYLOAD_NOT_SERIALIZABLE` (a lone notification
 * with such params, which gets no error object, is refused with HTTP 400). A priority that
 * is not `critical`, `standard` or `bulk` rejects the whole request with `UnknownQosClassError`
 * (HTTP 400), as the proxy refuses an unknown class.
 */
export async function answerRpc(
  target: RpcTarget,
  cluster: string,
  body: Buffer | undefined,
  options: { priority?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<RpcAnswer> {
  const { priority } = options;
  if (priority !== undefined && !PRIORITIES.includes(priority)) {
    throw new UnknownQosClassError(priority, PRIORITIES);
  }
  const text = body?.toString('utf8') ?? '';
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return answer([response('null', errorMember(PARSE_ERROR, 'parse error'))], false, 1);
  }
  const callOptions: ClientCallOptions = {
    cluster,
    priority: priority as ClientCallOptions['priority'],
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  };
  if (!Array.isArray(message)) {
    const [id] = idTexts(text, [message]);
    const reply = await answerOne(target, message, id, callOptions, false);
    return answer(reply === undefined ? [] : [reply], false, 1);
  }
  if (message.length === 0) {
    return answer([response('null', errorMember(INVALID_REQUEST, 'empty batch'))], false, 0);
  }
  const ids = idTexts(text, message);
  const replies = await Promise.all(message.map((m, i) => answerOne(target, m, ids[i], callOptions, true)));
  return answer(
    replies.filter((r) => r !== undefined),
    true,
    message.length,
  );
}

/** One call's response (JSON text); undefined for a notification. `id` is its id's JSON text. */
async function answerOne(
  target: RpcTarget,
  message: unknown,
  id: string | undefined,
  options: ClientCallOptions,
  inArray: boolean,
): Promise<string | undefined> {
  if (!isCall(message)) return response(id ?? 'null', errorMember(INVALID_REQUEST, 'invalid request'));
  try {
    const result = await target.call(message.method, message.params, options);
    return id === undefined ? undefined : response(id, { result });
  } catch (err) {
    if (id === undefined) {
      // A notification is never answered; alone, one that was not delivered fails as HTTP.
      if (RpcError.is(err) || inArray) return undefined;
      if (PayloadNotSerializableError.is(err)) {
        throw new RefusedRequestError('bad_request', `invalid params of "${message.method}": ${err.reason}`);
      }
      throw err;
    }
    if (RpcError.is(err)) return response(id, errorMember(err.rpcCode, err.message, err.data));
    // The batcher could not encode the call: its params (nothing else of a parsed call can fail).
    if (PayloadNotSerializableError.is(err)) {
      return response(
        id,
        errorMember(INVALID_PARAMS, `invalid params: ${err.reason}`, {
          code: PayloadNotSerializableError.code,
        }),
      );
    }
    if (!inArray) throw err;
    const code = SlipstreamError.is(err) ? err.code : SlipstreamError.code;
    return response(id, errorMember(SERVER_ERROR, String((err as Error).message), { code }));
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

/** An `id` member whose value is a number; also matches keys spelled with `\u` escapes. */
const ID_MEMBER = /"(?:i|\\u0069)(?:d|\\u0064)"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
/** A JSON string token, or (outside strings) a number token; valid JSON only. */
const TOKEN = /("[^"\\]*(?:\\.[^"\\]*)*")|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * The JSON text each entry's id is answered with: a string's own, `null`'s, a number's as the
 * request spelled it; undefined when the entry has no id, `'null'` when the id is no string,
 * number or null (it cannot be determined). `text` is the body the entries were parsed from.
 */
function idTexts(text: string, entries: readonly unknown[]): (string | undefined)[] {
  const ids = entries.map(idOf);
  // A number is echoed as JSON.stringify spells its double: exact when every `id` member of the
  // body (at any depth; quoted keys included) already is that spelling, the common case.
  const exact =
    !ids.some((id) => typeof id === 'number') ||
    Array.from(text.matchAll(ID_MEMBER), (m) => m[1]!).every((n) => JSON.stringify(Number(n)) === n);
  // Otherwise the ids' digits come from the same body parsed with every number as a string.
  const sources = exact
    ? undefined
    : (JSON.parse(text.replace(TOKEN, (token, string?: string) => string ?? `"${token}"`)) as unknown);
  return ids.map((id, i) => {
    if (id === undefined) return undefined;
    if (id === null || typeof id === 'string') return JSON.stringify(id);
    if (typeof id !== 'number') return 'null';
    if (sources === undefined) return JSON.stringify(id);
    return idOf(Array.isArray(sources) ? sources[i] : sources) as string;
  });
}

function idOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry)
    ? (entry as { id?: unknown }).id
    : undefined;
}

function errorMember(code: number, message: string, data?: unknown): { error: object } {
  return { error: data === undefined ? { code, message } : { code, message, data } };
}

/** A response object's JSON text, its id spliced in as given. */
function response(id: string, member: { result: unknown } | { error: object }): string {
  const rest = JSON.stringify(member).slice(1); // `"result":…}`, or `}` for an undefined result
  return `{"jsonrpc":"2.0","id":${id}${rest === '}' ? '' : ','}${rest}`;
}

function answer(replies: string[], array: boolean, calls: number): RpcAnswer {
  if (replies.length === 0) return { status: 204, body: undefined, calls };
  return { status: 200, body: array ? `[${replies.join(',')}]` : replies[0], calls };
}
