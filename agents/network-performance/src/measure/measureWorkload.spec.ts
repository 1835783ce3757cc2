import { ConfigError, ConnectionError, type PoolStats } from '@slipstream/contracts';
import { MAX_REPEATS, measureWorkload, type WorkloadTarget } from './measureWorkload';

/** A target whose n-th request fails when `fail(n)`; opens a connection every `reuse`-th request. */
function fakeTarget(fail: (n: number) => boolean, reuse: number): WorkloadTarget & { sent: number } {
  const pool = { origin: 'http://x', requests: 0, connectionsCreated: 0 } as PoolStats;
  const target = {
    sent: 0,
    request: () => {
      const n = ++target.sent;
      pool.requests++;
      if ((n - 1) % reuse === 0) pool.connectionsCreated++;
      if (fail(n)) return Promise.reject(new ConnectionError('refused'));
      return Promise.resolve({ statusCode: n % 10 === 0 ? 503 : 200 });
    },
    stats: () => ({ pools: [{ ...pool }] }),
  };
  return target;
}

describe(measureWorkload, () => {
  it('sends exactly the requested count and derives every figure from what it measured', async () => {
    const target = fakeTarget((n) => n === 3, 4);
    const m = await measureWorkload(target, {
      path: '/',
      requests: 40,
      concurrency: 4,
      maxDurationMs: 10_000,
    });
    expect(target.sent).toBe(40);
    expect(m.requests).toBe(40);
    // 4 answers of 503 (every 10th) and one rejection.
    expect(m.errorRate).toBeCloseTo(5 / 40, 10);
    expect(m.availability).toBeCloseTo(1 - 5 / 40, 10);
    // One connection per 4 requests.
    expect(m.efficiency).toBeCloseTo(1 - 10 / 40, 10);
    expect(m.latencyP50).toBeLessThanOrEqual(m.latencyP99);
  });

  it('when the concurrency exceeds the requests, starts no more than the requests', async () => {
    const target = fakeTarget(() => false, 1);
    const m = await measureWorkload(target, {
      path: '/',
      requests: 3,
      concurrency: 50,
      maxDurationMs: 10_000,
    });
    expect(target.sent).toBe(3);
    expect(m.efficiency).toBe(0);
  });

  it('with minDurationMs, goes on past the count until the run lasted that long, up to MAX_REPEATS × the count', async () => {
    const slow = fakeTarget(() => false, 1);
    const answerIn1Ms = {
      ...slow,
      request: () => new Promise<{ statusCode: number }>((r) => setTimeout(() => r({ statusCode: 200 }), 1)),
    };
    const m = await measureWorkload(answerIn1Ms, {
      path: '/',
      requests: 4,
      concurrency: 2,
      maxDurationMs: 10_000,
      minDurationMs: 60,
    });
    expect(m.durationMs).toBeGreaterThanOrEqual(60);
    expect(m.requests).toBeGreaterThan(4);
    expect(m.requests).toBeLessThanOrEqual(4 * MAX_REPEATS);
    // Instant answers: the cap on the count ends the run first.
    const fast = fakeTarget(() => false, 1);
    await measureWorkload(fast, {
      path: '/',
      requests: 2,
      concurrency: 1,
      maxDurationMs: 10_000,
      minDurationMs: 60_000,
    });
    expect(fast.sent).toBe(2 * MAX_REPEATS);
    await expect(
      measureWorkload(fast, { path: '/', requests: 2, concurrency: 1, maxDurationMs: 1, minDurationMs: -1 }),
    ).rejects.toThrow(/minDurationMs/);
  });

  it('when a bound is not a positive integer, throws a ConfigError naming it', async () => {
    const target = fakeTarget(() => false, 1);
    await expect(
      measureWorkload(target, { path: '/', requests: 0, concurrency: 1, maxDurationMs: 1 }),
    ).rejects.toThrow(ConfigError);
  });
});
