import {
  ConfigError,
  ConnectionError,
  RequestTimeoutError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import type { SarahNetwork } from '../SarahNetwork';
import { SARAH_DEFAULTS } from '../SarahOptions';
import { runAggregateTask } from './runAggregateTask';

function fakeNetwork(status = 200): SarahNetwork & { requests: unknown[]; calls: unknown[] } {
  const net = {
    requests: [] as unknown[],
    calls: [] as unknown[],
    request: (req: unknown, opts: unknown) => {
      net.requests.push({ req, opts });
      return Promise.resolve({
        statusCode: status,
        headers: { 'content-type': 'application/json' },
        text: () => '{"ok":true}',
      });
    },
    call: <T>(method: string, params: unknown, opts: unknown): Promise<T> => {
      net.calls.push({ method, params, opts });
      return method === 'fail' ? Promise.reject(new ConnectionError('down')) : Promise.resolve(params as T);
    },
  };
  return net;
}

const ctx = { qosClasses: SARAH_DEFAULTS.qosClasses, signal: new AbortController().signal, now: () => 1_000 };

describe(runAggregateTask, () => {
  it('fans out GETs and RPC calls with the QoS class and the time left to the deadline', async () => {
    const net = fakeNetwork();
    const result = await runAggregateTask(
      net,
      {
        taskId: 't1',
        kind: 'aggregate',
        priority: 'critical',
        deadline: 1_500,
        params: { gets: ['/a', '/b'], rpc: [{ method: 'add', params: [1, 2] }] },
      },
      ctx,
    );
    expect(result.gets).toEqual([
      { path: '/a', status: 200, body: { ok: true } },
      { path: '/b', status: 200, body: { ok: true } },
    ]);
    expect(result.rpc).toEqual([{ method: 'add', result: [1, 2] }]);
    expect(result.timings).toHaveLength(3);
    expect(net.requests[0]).toMatchObject({ opts: { priority: 'critical', timeoutMs: 500 } });
    expect(net.calls[0]).toMatchObject({ opts: { priority: 'critical', timeoutMs: 500 } });
  });

  it('when a GET answers ≥ 400, rejects with UpstreamStatusError', async () => {
    await expect(
      runAggregateTask(fakeNetwork(404), { taskId: 't', kind: 'aggregate', params: { gets: ['/x'] } }, ctx),
    ).rejects.toThrow(UpstreamStatusError);
  });

  it('when a call fails, rejects with its error', async () => {
    await expect(
      runAggregateTask(
        fakeNetwork(),
        { taskId: 't', kind: 'aggregate', params: { rpc: [{ method: 'fail' }] } },
        ctx,
      ),
    ).rejects.toThrow(ConnectionError);
  });

  it('when the deadline has passed, rejects with RequestTimeoutError before any call', async () => {
    const net = fakeNetwork();
    await expect(
      runAggregateTask(net, { taskId: 't', kind: 'aggregate', deadline: 999, params: { gets: ['/a'] } }, ctx),
    ).rejects.toThrow(RequestTimeoutError);
    expect(net.requests).toHaveLength(0);
  });

  it('when the task is malformed, rejects with a ConfigError naming the path', async () => {
    await expect(
      runAggregateTask(fakeNetwork(), { taskId: 't', kind: 'aggregate', params: { gets: ['nope'] } }, ctx),
    ).rejects.toThrow(ConfigError);
    await expect(runAggregateTask(fakeNetwork(), { taskId: 't', kind: 'aggregate' }, ctx)).rejects.toThrow(
      /params/,
    );
  });

  it('when the task settles, removes its listener from the long-lived stop signal (regression: AbortSignal.any leak)', async () => {
    const stop = new AbortController();
    const add = jest.spyOn(stop.signal, 'addEventListener');
    const remove = jest.spyOn(stop.signal, 'removeEventListener');
    const task = {
      taskId: 't',
      kind: 'aggregate',
      params: { rpc: [{ method: 'add', params: [1] }] },
    } as const;
    for (let i = 0; i < 3; i++) await runAggregateTask(fakeNetwork(), task, { ...ctx, signal: stop.signal });
    expect(add).toHaveBeenCalledTimes(3);
    expect(remove).toHaveBeenCalledTimes(3);
  });

  it('when the stop signal aborts, aborts the calls in flight', async () => {
    const stop = new AbortController();
    let seen: AbortSignal | undefined;
    const net = fakeNetwork();
    net.call = <T>(_m: string, _p: unknown, opts: { signal?: AbortSignal }): Promise<T> => {
      seen = opts.signal;
      return new Promise<T>((_resolve, reject) =>
        opts.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    };
    const running = runAggregateTask(
      net,
      { taskId: 't', kind: 'aggregate', params: { rpc: [{ method: 'slow', params: [] }] } },
      { ...ctx, signal: stop.signal },
    );
    stop.abort();
    await expect(running).rejects.toThrow('aborted');
    expect(seen?.aborted).toBe(true);
  });
});
