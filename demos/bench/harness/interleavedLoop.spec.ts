import { runInterleaved } from './interleavedLoop';

describe('runInterleaved()', () => {
  it('runs every variant to its count, taking turns a block at a time in the order turnOrder gives', async () => {
    // Consecutive operations of one variant, as [variant, count] (turns a|b, b|a, b|a, a|b).
    const stretches: [string, number][] = [];
    const op = (name: string) => async (): Promise<void> => {
      const last = stretches[stretches.length - 1];
      if (last?.[0] === name) last[1] += 1;
      else stretches.push([name, 1]);
      await Promise.resolve();
    };
    const results = await runInterleaved({
      operations: 40,
      blockOperations: 10,
      concurrency: 2,
      // Generous: each block starts with a GC, which a big, busy test worker can make slow.
      maxDurationMs: 60_000,
      variants: { a: op('a'), b: op('b') },
    });
    expect(results.a).toMatchObject({ operations: 40, errors: 0 });
    expect(results.b).toMatchObject({ operations: 40, errors: 0 });
    expect(stretches).toEqual([
      ['a', 10],
      ['b', 20],
      ['a', 10],
      ['b', 10],
      ['a', 20],
      ['b', 10],
    ]);
    expect(results.a.latency.count).toBe(40);
    expect(results.a.blocks).toHaveLength(4);
  });

  it('counts rejections as errors of their own variant only', async () => {
    const results = await runInterleaved({
      operations: 8,
      blockOperations: 3,
      concurrency: 1,
      maxDurationMs: 10_000,
      variants: { ok: () => Promise.resolve(), failing: () => Promise.reject(new Error('x')) },
    });
    expect(results.ok).toMatchObject({ operations: 8, errors: 0 });
    expect(results.failing).toMatchObject({ operations: 8, errors: 8 });
  });

  it('when the time bound is reached, stops every variant early', async () => {
    const results = await runInterleaved({
      operations: 1_000_000,
      blockOperations: 100,
      concurrency: 1,
      maxDurationMs: 0,
      variants: { a: () => Promise.resolve() },
    });
    expect(results.a.operations).toBe(0);
  });
});
