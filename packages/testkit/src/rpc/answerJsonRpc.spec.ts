import { answerJsonRpc } from './answerJsonRpc';

const call = (id: number | undefined, method: string, params?: unknown) => ({
  jsonrpc: '2.0',
  method,
  ...(params === undefined ? {} : { params }),
  ...(id === undefined ? {} : { id }),
});

const answer = async (body: unknown, rpc = {}) => {
  const out = await answerJsonRpc(
    typeof body === 'string' ? body : JSON.stringify(body),
    rpc,
    new AbortController().signal,
  );
  return { ...out, parsed: out.body === undefined ? undefined : (JSON.parse(out.body) as unknown) };
};

describe(answerJsonRpc, () => {
  describe('when the body is a single call', () => {
    it('answers it with the built-in method', async () => {
      expect(await answer(call(1, 'add', [1, 2, 3]))).toMatchObject({
        status: 200,
        calls: 1,
        batch: false,
        parsed: { jsonrpc: '2.0', id: 1, result: 6 },
      });
      expect((await answer(call(2, 'echo', { a: 1 }))).parsed).toMatchObject({ result: { a: 1 } });
      expect((await answer(call(3, 'sleep', { ms: 1 }))).parsed).toMatchObject({ result: 1 });
    });

    it('answers fail, unknown methods, bad params and invalid requests with error objects', async () => {
      expect((await answer(call(1, 'fail', 'x'))).parsed).toMatchObject({
        id: 1,
        error: { code: -32000, data: 'x' },
      });
      expect((await answer(call(2, 'nope'))).parsed).toMatchObject({ error: { code: -32601 } });
      expect((await answer(call(3, 'add', ['a']))).parsed).toMatchObject({ error: { code: -32602 } });
      expect((await answer({ id: 4, method: 'echo' })).parsed).toMatchObject({
        id: 4,
        error: { code: -32600 },
      });
    });

    it('when it is a notification, answers 204 with no body', async () => {
      expect(await answer(call(undefined, 'echo'))).toMatchObject({ status: 204, body: undefined, calls: 1 });
    });
  });

  describe('when the body is a batch', () => {
    const batch = [call(1, 'echo', 'a'), call(2, 'add', [2, 2]), call(undefined, 'echo'), call(3, 'fail')];

    it('answers every call with an id, in order', async () => {
      const out = await answer(batch);

      expect(out).toMatchObject({ status: 200, calls: 4, batch: true });
      expect(out.parsed).toEqual([
        { jsonrpc: '2.0', id: 1, result: 'a' },
        { jsonrpc: '2.0', id: 2, result: 4 },
        { jsonrpc: '2.0', id: 3, error: { code: -32000, message: 'fail requested', data: null } },
      ]);
    });

    it('injects item errors, omitted and duplicated ids', async () => {
      const out = await answer(batch, { errorIds: [1], omitIds: [2], duplicateIds: [3] });

      expect((out.parsed as { id: number }[]).map((r) => r.id)).toEqual([1, 3, 3]);
      expect(out.parsed).toMatchObject([{ error: { code: -32000, message: 'injected error' } }, {}, {}]);
    });

    it('when failBatch is set, answers HTTP 500', async () => {
      expect(await answer(batch, { failBatch: true })).toMatchObject({ status: 500, calls: 4, batch: true });
    });

    it('when malformed is set, answers a body that is not JSON', async () => {
      const out = await answerJsonRpc(
        JSON.stringify(batch),
        { malformed: true },
        new AbortController().signal,
      );

      expect(out.status).toBe(200);
      expect(() => void JSON.parse(out.body ?? '')).toThrow(SyntaxError);
    });

    it('when empty, answers Invalid Request', async () => {
      expect((await answer([])).parsed).toMatchObject({ id: null, error: { code: -32600 } });
    });
  });

  describe('when the body is not JSON', () => {
    it('answers a parse error', async () => {
      expect(await answer('{oops')).toMatchObject({
        calls: 0,
        parsed: { id: null, error: { code: -32700 } },
      });
    });
  });
});
