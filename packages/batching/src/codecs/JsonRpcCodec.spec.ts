import {
  MalformedResponseError,
  PayloadNotSerializableError,
  RpcError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import { DuplicateRpcResponseError } from '../errors/DuplicateRpcResponseError';
import { MissingRpcResponseError } from '../errors/MissingRpcResponseError';
import type { BatchCall, BatchOutcome } from './BatchCodec';
import { JsonRpcCodec } from './JsonRpcCodec';

const codec = new JsonRpcCodec();
const calls: BatchCall[] = [
  { id: 1, method: 'a', params: [1] },
  { id: 2, method: 'b', params: { x: 'é' } },
  { id: 3, method: 'c', params: undefined },
];

function decode(body: unknown, status = 200): BatchOutcome[] {
  return codec.decode(
    { status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) },
    calls,
  );
}

function errorOf(outcome: BatchOutcome | undefined): Error | undefined {
  return outcome && !outcome.ok ? outcome.error : undefined;
}

describe(JsonRpcCodec, () => {
  describe('.encodeCall()', () => {
    it('encodes a JSON-RPC 2.0 request and counts its bytes with the separator', () => {
      const encoded = codec.encodeCall(calls[1]!);
      expect(JSON.parse(encoded.chunk)).toEqual({ jsonrpc: '2.0', id: 2, method: 'b', params: { x: 'é' } });
      expect(encoded.bytes).toBe(Buffer.byteLength(encoded.chunk) + 1);
    });

    it('when the params cannot be serialised, throws PayloadNotSerializableError', () => {
      expect(() => codec.encodeCall({ id: 9, method: 'm', params: { n: 1n } })).toThrow(
        PayloadNotSerializableError,
      );
    });
  });

  describe('.encodeBatch()', () => {
    it('joins the calls into an array whose length is overhead plus the calls bytes', () => {
      const encoded = calls.map((c) => codec.encodeCall(c));
      const body = codec.encodeBatch(encoded);
      expect(JSON.parse(body.body)).toHaveLength(3);
      expect(body.ids).toEqual([1, 2, 3]);
      expect(body.contentType).toBe('application/json');
      expect(Buffer.byteLength(body.body)).toBe(
        codec.overheadBytes + encoded.reduce((n, c) => n + c.bytes, 0),
      );
    });
  });

  describe('.decode()', () => {
    const nullError = (code: number, message = 'Invalid request') => ({
      jsonrpc: '2.0',
      id: null,
      error: { code, message },
    });

    it('when exactly one call is unanswered and the server sent an id: null error, that call gets it', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 3, result: 3 },
        nullError(-32600),
        { jsonrpc: '2.0', id: 1, result: 1 },
      ]);
      expect(outcomes[0]).toEqual({ ok: true, value: 1 });
      expect(errorOf(outcomes[1])).toMatchObject({ rpcCode: -32600 });
      expect(outcomes[2]).toEqual({ ok: true, value: 3 });
    });

    it('when several calls are unanswered and the id: null errors differ, they stay missing with those errors as the cause', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 1, result: 1 },
        nullError(-32600),
        nullError(-32700, 'Parse'),
      ]);
      const missing = errorOf(outcomes[1]);
      expect(missing).toBeInstanceOf(MissingRpcResponseError);
      expect((missing!.cause as AggregateError).errors).toHaveLength(2);
    });

    it('when the server answered no call by id and sent one id: null error, every call gets it', () => {
      expect(decode([nullError(-32600)]).map((o) => (errorOf(o) as RpcError).rpcCode)).toEqual([
        -32600, -32600, -32600,
      ]);
    });

    it('when every call is a notification, a 2xx without a body delivers them all', () => {
      const notifications: BatchCall[] = calls.map((c) => ({ ...c, notification: true }));
      const encoded = notifications.map((c) => codec.encodeCall(c));
      expect(JSON.parse(encoded[0]!.chunk)).toEqual({ jsonrpc: '2.0', method: 'a', params: [1] });
      expect(codec.encodeBatch(encoded).ids).toEqual([]);
      const outcomes = codec.decode({ status: 204, headers: {}, body: '' }, notifications);
      expect(outcomes).toEqual(notifications.map(() => ({ ok: true, value: undefined })));
      expect(errorOf(codec.decode({ status: 503, headers: {}, body: '' }, notifications)[0])).toBeInstanceOf(
        UpstreamStatusError,
      );
    });

    it('matches results by id, whatever their order', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 3, result: null },
        { jsonrpc: '2.0', id: 1, result: 'one' },
        { jsonrpc: '2.0', id: 2, result: { two: 2 } },
      ]);
      expect(outcomes).toEqual([
        { ok: true, value: 'one' },
        { ok: true, value: { two: 2 } },
        { ok: true, value: null },
      ]);
    });

    it('when the body is bytes, decodes it as UTF-8', () => {
      const body = new TextEncoder().encode(
        JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: 'é' }))),
      );
      expect(codec.decode({ status: 200, headers: {}, body }, calls).every((o) => o.ok)).toBe(true);
    });

    it('when an item carries an error, gives that call an RpcError with code, message and data', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 1, result: 1 },
        { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'boom', data: { why: 'x' } } },
        { jsonrpc: '2.0', id: 3, result: 3 },
      ]);
      const error = errorOf(outcomes[1]);
      expect(error).toBeInstanceOf(RpcError);
      expect(error).toMatchObject({ rpcCode: -32000, message: 'boom', data: { why: 'x' } });
      expect(outcomes[0]!.ok && outcomes[2]!.ok).toBe(true);
    });

    it('when an id is missing, fails that call only with MissingRpcResponseError', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 1, result: 1 },
        { jsonrpc: '2.0', id: 3, result: 3 },
      ]);
      expect(errorOf(outcomes[1])).toBeInstanceOf(MissingRpcResponseError);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    });

    it('when an id appears twice, fails that call only with DuplicateRpcResponseError', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 1, result: 1 },
        { jsonrpc: '2.0', id: 1, result: 1 },
        { jsonrpc: '2.0', id: 2, result: 2 },
        { jsonrpc: '2.0', id: 3, result: 3 },
      ]);
      expect(errorOf(outcomes[0])).toMatchObject({ callId: 1, occurrences: 2 });
      expect(errorOf(outcomes[0])).toBeInstanceOf(DuplicateRpcResponseError);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    });

    it('when an entry has neither result nor error, fails that call with MalformedResponseError', () => {
      const outcomes = decode([
        { jsonrpc: '2.0', id: 1 },
        { jsonrpc: '2.0', id: 2, result: 2 },
        { jsonrpc: '2.0', id: 3, result: 3 },
      ]);
      expect(errorOf(outcomes[0])).toBeInstanceOf(MalformedResponseError);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    });

    it('when the status is not 2xx, fails every call with UpstreamStatusError', () => {
      const outcomes = decode('oops', 503);
      expect(outcomes.map(errorOf)).toEqual([
        expect.any(UpstreamStatusError),
        expect.any(UpstreamStatusError),
        expect.any(UpstreamStatusError),
      ]);
      expect(errorOf(outcomes[0])).toMatchObject({ statusCode: 503, retryable: true });
    });

    it.each([
      ['not JSON', '[{"jsonrpc":'],
      ['not an array', '{"jsonrpc":"2.0"}'],
      ['a scalar', '42'],
    ])('when the body is %s, fails every call with MalformedResponseError', (_label, body) => {
      expect(decode(body).every((o) => errorOf(o) instanceof MalformedResponseError)).toBe(true);
    });

    it('when the response carries what parse() read, maps that and does not read the body again', () => {
      const parsed = [{ jsonrpc: '2.0', id: 1, result: 'read' }];
      const outcomes = codec.decode({ status: 200, headers: {}, body: 'not JSON', parsed }, calls);
      expect(outcomes[0]).toEqual({ ok: true, value: 'read' });
      expect(outcomes.slice(1).map(errorOf)).toEqual([
        expect.any(MissingRpcResponseError),
        expect.any(MissingRpcResponseError),
      ]);
    });

    it('when the server answers the whole batch with one error object, fails every call with that RpcError', () => {
      const outcomes = decode({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Invalid Request' },
      });
      expect(outcomes.every((o) => errorOf(o) instanceof RpcError)).toBe(true);
    });
  });

  describe('.parse()', () => {
    const parse = (body: string, idempotent?: boolean): unknown =>
      codec.parse({ status: 200, headers: {}, body: Buffer.from(body) }, idempotent);

    it('returns the entries of an array body, and the RpcError of a whole-batch error object', () => {
      expect(parse('[{"jsonrpc":"2.0","id":1,"result":2}]')).toEqual([{ jsonrpc: '2.0', id: 1, result: 2 }]);
      expect(
        parse('{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request"}}'),
      ).toEqual(expect.any(RpcError));
    });

    it.each([
      ['not JSON', '[{"jsonrpc":'],
      ['not an array', '{"jsonrpc":"2.0"}'],
      ['a single response', '{"jsonrpc":"2.0","id":1,"result":2}'],
      ['a scalar', '42'],
    ])(
      'when the body is %s, throws MalformedResponseError, retryable only for an idempotent batch',
      (_label, body) => {
        for (const idempotent of [true, false]) {
          let thrown: unknown;
          try {
            parse(body, idempotent);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(MalformedResponseError);
          expect((thrown as MalformedResponseError).retryable).toBe(idempotent);
        }
      },
    );
  });
});
