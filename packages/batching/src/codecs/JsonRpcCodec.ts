import {
  MalformedResponseError,
  PayloadNotSerializableError,
  RpcError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import { injectable } from 'inversify';
import { DuplicateRpcResponseError } from '../errors/DuplicateRpcResponseError';
import { MissingRpcResponseError } from '../errors/MissingRpcResponseError';
import type {
  BatchCall,
  BatchCodec,
  BatchOutcome,
  BatchResponse,
  EncodedBody,
  EncodedCall,
} from './BatchCodec';

const utf8 = new TextDecoder('utf-8', { fatal: true });

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The outcome a single JSON-RPC response object stands for. */
function outcomeOf(entry: JsonObject, id: number): BatchOutcome {
  const error = entry['error'];
  if (isObject(error) && typeof error['code'] === 'number' && typeof error['message'] === 'string') {
    return { ok: false, error: new RpcError(error['code'], error['message'], error['data']) };
  }
  if ('result' in entry && error === undefined) return { ok: true, value: entry['result'] };
  return {
    ok: false,
    error: new MalformedResponseError(`response entry for id ${id} is not a JSON-RPC 2.0 response`),
  };
}

/**
 * The server's answers that carry `id: null` (it could not read the call's id, e.g. an invalid
 * call) given to the calls they concern: the one unanswered call by elimination; every
 * unanswered call when the server answered none by id (it refused the batch) or refused each
 * alike; otherwise none (the calls stay missing, with these errors as the cause).
 */
function attributeNullIdErrors(
  unanswered: number,
  answeredById: number,
  nullErrors: RpcError[],
): RpcError | undefined {
  const [first] = nullErrors;
  if (first === undefined) return undefined;
  if (unanswered === 1 && nullErrors.length === 1) return first;
  const alike = nullErrors.every((e) => e.rpcCode === first.rpcCode && e.message === first.message);
  if (alike && (answeredById === 0 || nullErrors.length === unanswered)) return first;
  return undefined;
}

/**
 * JSON-RPC 2.0 batches: a body `[{jsonrpc, id, method, params}, ...]`, answered by an array
 * of response objects matched by id. A missing id, a duplicate id or an item error settles
 * that call only; a non-2xx status or an unparsable body settles every call of the batch.
 * An error answered with `id: null` reaches the calls it concerns (see
 * `attributeNullIdErrors`). Notifications are encoded without an id and succeed when their
 * batch was delivered (a 2xx; a batch of notifications only may be answered with no body).
 * `parse` reads a 2xx body once, for the sender to check within its attempt; `decode` then maps
 * what it read.
 */
@injectable()
export class JsonRpcCodec implements BatchCodec {
  /** `[` and `]` less the separator the last call does not need. */
  readonly overheadBytes = 1;

  encodeCall(call: BatchCall): EncodedCall {
    let identity: string;
    try {
      identity = JSON.stringify({ jsonrpc: '2.0', method: call.method, params: call.params });
    } catch (err) {
      throw new PayloadNotSerializableError(call.method, err instanceof Error ? err.message : String(err), {
        cause: err,
      });
    }
    // The id goes last: the chunk is the id-free form with the id spliced in before its closing brace.
    const chunk = call.notification ? identity : `${identity.slice(0, -1)},"id":${call.id}}`;
    return { call, chunk, bytes: Buffer.byteLength(chunk) + 1, identity };
  }

  encodeBatch(calls: readonly EncodedCall[]): EncodedBody {
    return {
      body: `[${calls.map((c) => c.chunk).join(',')}]`,
      contentType: 'application/json',
      ids: calls.filter((c) => !c.call.notification).map((c) => c.call.id),
    };
  }

  decode(response: BatchResponse, calls: readonly BatchCall[]): BatchOutcome[] {
    const delivered: BatchOutcome = { ok: true, value: undefined };
    if (calls.every((c) => c.notification) && response.status >= 200 && response.status <= 299) {
      return calls.map(() => delivered);
    }
    const parsed = this.parseBatch(response);
    if (parsed instanceof Error) return calls.map(() => ({ ok: false, error: parsed }));
    const byId = new Map<number, JsonObject[]>();
    const nullErrors: RpcError[] = [];
    for (const entry of parsed) {
      if (!isObject(entry)) continue;
      if (entry['id'] === null) {
        const outcome = outcomeOf(entry, -1);
        if (!outcome.ok && outcome.error instanceof RpcError) nullErrors.push(outcome.error);
      }
      if (typeof entry['id'] !== 'number') continue;
      const list = byId.get(entry['id']);
      if (list) list.push(entry);
      else byId.set(entry['id'], [entry]);
    }
    const expecting = calls.filter((c) => !c.notification);
    const unanswered = expecting.filter((c) => !byId.has(c.id)).length;
    const attributed = attributeNullIdErrors(unanswered, expecting.length - unanswered, nullErrors);
    return calls.map((call): BatchOutcome => {
      if (call.notification) return delivered;
      const entries = byId.get(call.id);
      if (!entries) {
        if (attributed) return { ok: false, error: attributed };
        const cause = nullErrors.length === 0 ? undefined : { cause: new AggregateError(nullErrors) };
        return { ok: false, error: new MissingRpcResponseError(call.id, cause) };
      }
      if (entries.length > 1) {
        return { ok: false, error: new DuplicateRpcResponseError(call.id, entries.length) };
      }
      return outcomeOf(entries[0]!, call.id);
    });
  }

  /**
   * The body of a 2xx answer to a batch: its entries, or the `RpcError` the server answered the
   * whole batch with (JSON-RPC's answer to a batch it could not process at all). Throws
   * `MalformedResponseError`, retryable when the batch is `idempotent`, when it is not JSON or
   * neither of those.
   */
  parse(response: BatchResponse, idempotent = false): unknown[] | RpcError {
    let parsed: unknown;
    try {
      const { body } = response;
      parsed = JSON.parse(typeof body === 'string' ? body : utf8.decode(body));
    } catch (err) {
      throw new MalformedResponseError('batch response body is not valid JSON', {
        cause: err,
        retryable: idempotent,
      });
    }
    if (Array.isArray(parsed)) return parsed as unknown[];
    const whole = isObject(parsed) ? outcomeOf(parsed, -1) : undefined;
    if (whole !== undefined && !whole.ok && whole.error instanceof RpcError) return whole.error;
    throw new MalformedResponseError('batch response is not an array', { retryable: idempotent });
  }

  /** The response entries, or the one error every call of the batch gets. */
  private parseBatch(response: BatchResponse): unknown[] | Error {
    if (response.status < 200 || response.status > 299) {
      return new UpstreamStatusError(response.status, `batch answered with HTTP ${response.status}`);
    }
    // Read already within the sender's attempt (`EncodedBatch.readBody`): not parsed twice.
    if (response.parsed !== undefined) return response.parsed as unknown[] | RpcError;
    try {
      return this.parse(response);
    } catch (err) {
      return err as MalformedResponseError;
    }
  }
}
