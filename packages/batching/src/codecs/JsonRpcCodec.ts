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
 * JSON-RPC 2.0 batches: a body `[{jsonrpc, id, method, params}, ...]`, answered by an array
 * of response objects matched by id. A missing id, a duplicate id or an item error settles
 * that call only; a non-2xx status or an unparsable body settles every call of the batch.
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
    const chunk = `${identity.slice(0, -1)},"id":${call.id}}`;
    return { call, chunk, bytes: Buffer.byteLength(chunk) + 1, identity };
  }

  encodeBatch(calls: readonly EncodedCall[]): EncodedBody {
    return {
      body: `[${calls.map((c) => c.chunk).join(',')}]`,
      contentType: 'application/json',
      ids: calls.map((c) => c.call.id),
    };
  }

  decode(response: BatchResponse, calls: readonly BatchCall[]): BatchOutcome[] {
    const parsed = this.parseBatch(response);
    if (parsed instanceof Error) return calls.map(() => ({ ok: false, error: parsed }));
    const byId = new Map<number, JsonObject[]>();
    for (const entry of parsed) {
      if (!isObject(entry) || typeof entry['id'] !== 'number') continue;
      const list = byId.get(entry['id']);
      if (list) list.push(entry);
      else byId.set(entry['id'], [entry]);
    }
    return calls.map((call): BatchOutcome => {
      const entries = byId.get(call.id);
      if (!entries) return { ok: false, error: new MissingRpcResponseError(call.id) };
      if (entries.length > 1) {
        return { ok: false, error: new DuplicateRpcResponseError(call.id, entries.length) };
      }
      return outcomeOf(entries[0]!, call.id);
    });
  }

  /** The response entries, or the one error every call of the batch gets. */
  private parseBatch(response: BatchResponse): unknown[] | Error {
    if (response.status < 200 || response.status > 299) {
      return new UpstreamStatusError(response.status, `batch answered with HTTP ${response.status}`);
    }
    let parsed: unknown;
    try {
      const { body } = response;
      parsed = JSON.parse(typeof body === 'string' ? body : utf8.decode(body));
    } catch (err) {
      return new MalformedResponseError('batch response body is not valid JSON', { cause: err });
    }
    if (Array.isArray(parsed)) return parsed as unknown[];
    // JSON-RPC answers a batch it could not process at all with one error object.
    const whole = isObject(parsed) ? outcomeOf(parsed, -1) : undefined;
    return whole && !whole.ok ? whole.error : new MalformedResponseError('batch response is not an array');
  }
}
