import type { ClientCallOptions } from '@slipstream/client';
import { OverloadedError, PayloadNotSerializableError, RpcError } from '@slipstream/contracts';
import { UnknownQosClassError } from '@slipstream/routing';
import { RefusedRequestError } from '../errors/RefusedRequestError';
import { answerRpc, type RpcTarget } from './answerRpc';

/**
 * A batcher stand-in: `fail` rejects with an RpcError, `shed` with an OverloadedError; params
 * `JSON.stringify` cannot serialise reject with PayloadNotSerializableError (as JsonRpcCodec's
 * `encodeCall`); anything else echoes, with the call's priority.
 */
const target: RpcTarget = {
  call: <T>(method: string, params?: unknown, opts?: ClientCallOptions): Promise<T> => {
    if (method === 'fail') return Promise.reject(new RpcError(-32_001, 'nope', { why: 1 }));
    if (method === 'shed') return Promise.reject(new OverloadedError('shed', 1_000));
    try {
      JSON.stringify(params);
    } catch (err) {
      return Promise.reject(new PayloadNotSerializableError(method, (err as Error).message));
    }
    return Promise.resolve({ method, params, priority: opts?.priority } as T);
  },
};
/** Params nested `depth` arrays deep: `JSON.parse` reads them, `JSON.stringify` overflows the stack. */
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const body = (value: unknown): Buffer =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe(answerRpc, () => {
  it('answers a call with its own id and result, and an error object with its id', async () => {
    const ok = await answerRpc(target, 'a', body({ jsonrpc: '2.0', id: 'x', method: 'm', params: [1] }), {});
    expect(JSON.parse(ok.body!)).toEqual({ jsonrpc: '2.0', id: 'x', result: { method: 'm', params: [1] } });
    expect(ok.status).toBe(200);
    const failed = await answerRpc(target, 'a', body({ jsonrpc: '2.0', id: 3, method: 'fail' }), {});
    expect(JSON.parse(failed.body!)).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32_001, message: 'nope', data: { why: 1 } },
    });
  });

  it('answers a notification with 204 and no body', async () => {
    expect(await answerRpc(target, 'a', body({ jsonrpc: '2.0', method: 'm' }), {})).toEqual({
      status: 204,
      body: undefined,
      calls: 1,
    });
  });

  it('answers parse errors and invalid requests with their JSON-RPC codes', async () => {
    expect(JSON.parse((await answerRpc(target, 'a', body('{'), {})).body!)).toMatchObject({
      id: null,
      error: { code: -32_700 },
    });
    expect(JSON.parse((await answerRpc(target, 'a', body({ id: 1, method: 'm' }), {})).body!)).toMatchObject({
      id: 1,
      error: { code: -32_600 },
    });
  });

  it('rejects a single call the pipeline could not deliver (the HTTP status tells), and answers it inside an array', async () => {
    await expect(
      answerRpc(target, 'a', body({ jsonrpc: '2.0', id: 1, method: 'shed' }), {}),
    ).rejects.toMatchObject({
      code: 'SLIP_ERR_OVERLOADED',
    });
    const mixed = await answerRpc(
      target,
      'a',
      body([
        { jsonrpc: '2.0', id: 1, method: 'shed' },
        { jsonrpc: '2.0', id: 2, method: 'm' },
        { jsonrpc: '2.0', method: 'note' },
      ]),
      {},
    );
    expect(mixed.calls).toBe(3);
    expect(JSON.parse(mixed.body!)).toEqual([
      {
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32_000, message: 'shed', data: { code: 'SLIP_ERR_OVERLOADED' } },
      },
      { jsonrpc: '2.0', id: 2, result: { method: 'm' } },
    ]);
  });

  describe('ids', () => {
    const answered = async (text: string): Promise<string> =>
      (await answerRpc(target, 'a', Buffer.from(text), {})).body!;

    it.each([
      ['9007199254740993'], // 2^53 + 1: the double is …992
      ['123456789012345678901234567890'], // a double spells it 1.2345678901234568e+29
      ['1e400'], // beyond a double: Infinity, which JSON.stringify spells null
      ['1e-400'], // below a double: 0
      ['1.00000000000000001'], // a double holds 1, a safe integer
      ['0.10000000000000000001'], // a double holds 0.1
      ['-0'],
      ['1.0'],
      ['1E+2'],
      ['42'],
      ['-1.5'],
    ])('answers numeric id %s with its own digits', async (id) => {
      expect(await answered(`{"jsonrpc":"2.0","id":${id},"method":"m"}`)).toBe(
        `{"jsonrpc":"2.0","id":${id},"result":{"method":"m"}}`,
      );
    });

    it('reads the digits of an id key spelled with escapes or spaces, or not the last key, or repeated', async () => {
      expect(await answered('{"jsonrpc":"2.0","\\u0069d" : 9007199254740993,"method":"m"}')).toBe(
        '{"jsonrpc":"2.0","id":9007199254740993,"result":{"method":"m"}}',
      );
      expect(await answered('{"i\\u0064":\n1.0, "jsonrpc":"2.0","method":"m"}')).toBe(
        '{"jsonrpc":"2.0","id":1.0,"result":{"method":"m"}}',
      );
      // JSON.parse keeps the last of repeated keys; so do the digits.
      expect(await answered('{"jsonrpc":"2.0","id":1e400,"id":9007199254740993,"method":"m"}')).toBe(
        '{"jsonrpc":"2.0","id":9007199254740993,"result":{"method":"m"}}',
      );
    });

    it('keeps numbers elsewhere (params, strings, nested ids) out of the id, and the params as parsed', async () => {
      const text =
        '{"jsonrpc":"2.0","method":"m","params":{"id":1.0,"s":"\\"id\\":7, 8e1","n":[1e400,-0.5]},"id":12}';
      expect(JSON.parse(await answered(text))).toEqual({
        jsonrpc: '2.0',
        id: 12,
        result: { method: 'm', params: { id: 1, s: '"id":7, 8e1', n: [null, -0.5] } },
      });
      expect(await answered(text)).toMatch(/^\{"jsonrpc":"2\.0","id":12,"result":/);
    });

    it('answers each call of an array with its own id, exact, invalid or not', async () => {
      const text = `[
        {"jsonrpc":"2.0","id":9007199254740993,"method":"a"},
        {"jsonrpc":"2.0","id":7,"method":"b"},
        {"jsonrpc":"2.0","method":"note"},
        {"jsonrpc":"2.0","id":"9007199254740993","method":"c"},
        {"jsonrpc":"2.0","id":1e400,"method":"fail"},
        {"id":123456789012345678901234567890,"method":"no jsonrpc"},
        {"jsonrpc":"2.0","id":true,"method":"bad id"},
        5,
        {"jsonrpc":"2.0","id":null,"method":"d"}
      ]`;
      const batch = await answerRpc(target, 'a', Buffer.from(text), {});
      expect(batch.calls).toBe(9);
      expect(batch.body).toBe(
        '[' +
          [
            '{"jsonrpc":"2.0","id":9007199254740993,"result":{"method":"a"}}',
            '{"jsonrpc":"2.0","id":7,"result":{"method":"b"}}',
            '{"jsonrpc":"2.0","id":"9007199254740993","result":{"method":"c"}}',
            '{"jsonrpc":"2.0","id":1e400,"error":{"code":-32001,"message":"nope","data":{"why":1}}}',
            '{"jsonrpc":"2.0","id":123456789012345678901234567890,"error":{"code":-32600,"message":"invalid request"}}',
            '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request"}}',
            '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request"}}',
            '{"jsonrpc":"2.0","id":null,"result":{"method":"d"}}',
          ].join(',') +
          ']',
      );
    });
  });

  describe('params nested too deep to send (the caller’s mistake)', () => {
    it('answers the call with -32602 and its id, HTTP 200, not the pipeline failure', async () => {
      const single = await answerRpc(
        target,
        'a',
        body(`{"jsonrpc":"2.0","id":9007199254740993,"method":"m","params":${nested(10_000)}}`),
        {},
      );
      expect(single.status).toBe(200);
      expect(single.body).toBe(
        '{"jsonrpc":"2.0","id":9007199254740993,"error":{"code":-32602,' +
          '"message":"invalid params: Maximum call stack size exceeded",' +
          '"data":{"code":"SLIP_ERR_PAYLOAD_NOT_SERIALIZABLE"}}}',
      );
    });

    it('answers only that call in an array; an array notification gets no answer', async () => {
      const mixed = await answerRpc(
        target,
        'a',
        body(
          `[{"jsonrpc":"2.0","id":1,"method":"m","params":${nested(10_000)}},` +
            `{"jsonrpc":"2.0","method":"n","params":${nested(10_000)}},{"jsonrpc":"2.0","id":2,"method":"m"}]`,
        ),
        {},
      );
      const replies = JSON.parse(mixed.body!) as unknown[];
      expect(replies).toHaveLength(2);
      expect(replies).toMatchObject([
        { jsonrpc: '2.0', id: 1, error: { code: -32_602 } },
        { jsonrpc: '2.0', id: 2, result: { method: 'm' } },
      ]);
    });

    it('refuses a lone notification with such params as a bad request (400), which it cannot answer otherwise', async () => {
      const refused = answerRpc(
        target,
        'a',
        body(`{"jsonrpc":"2.0","method":"n","params":${nested(10_000)}}`),
        {},
      );
      await expect(refused).rejects.toBeInstanceOf(RefusedRequestError);
      await expect(refused).rejects.toMatchObject({ reason: 'bad_request', status: 400 });
    });
  });

  describe('priority', () => {
    it('hands a call priority to the batcher', async () => {
      for (const priority of ['critical', 'standard', 'bulk']) {
        const ok = await answerRpc(target, 'a', body({ jsonrpc: '2.0', id: 1, method: 'm' }), { priority });
        expect(JSON.parse(ok.body!)).toMatchObject({ result: { priority } });
      }
    });

    it.each([['urgent'], [''], ['Critical']])(
      'refuses unknown class %j before reading the body, as the proxy does (400 SLIP_ERR_UNKNOWN_QOS_CLASS)',
      async (priority) => {
        const refused = answerRpc(target, 'a', body('{'), { priority });
        await expect(refused).rejects.toBeInstanceOf(UnknownQosClassError);
        await expect(refused).rejects.toMatchObject({
          code: 'SLIP_ERR_UNKNOWN_QOS_CLASS',
          className: priority,
          known: ['critical', 'standard', 'bulk'],
        });
      },
    );
  });
});
