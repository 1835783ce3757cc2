import { OverloadedError, RpcError } from '@slipstream/contracts';
import { answerRpc, type RpcTarget } from './answerRpc';

/** A batcher stand-in: `fail` rejects with an RpcError, `shed` with an OverloadedError, anything else echoes. */
const target: RpcTarget = {
  call: <T>(method: string, params?: unknown): Promise<T> => {
    if (method === 'fail') return Promise.reject(new RpcError(-32_001, 'nope', { why: 1 }));
    if (method === 'shed') return Promise.reject(new OverloadedError('shed', 1_000));
    return Promise.resolve({ method, params } as T);
  },
};
const body = (value: unknown): Buffer =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe(answerRpc, () => {
  it('answers a call with its own id and result, and an error object with its id', async () => {
    const ok = await answerRpc(target, 'a', body({ jsonrpc: '2.0', id: 'x', method: 'm', params: [1] }), {});
    expect(JSON.parse(ok.body!)).toEqual({ jsonrpc: '2.0', id: 'x', result: { method: 'm', params: [1] } });
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
});
