import { percentile, runLoad } from './runLoad';

describe(runLoad, () => {
  describe('when every operation resolves', () => {
    it('runs each index once, never more than `concurrency` at a time', async () => {
      const seen: number[] = [];
      let inFlight = 0;
      let peak = 0;
      const result = await runLoad({ count: 20, concurrency: 3 }, async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await Promise.resolve();
        seen.push(i);
        inFlight--;
      });
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(peak).toBeLessThanOrEqual(3);
      expect(result).toMatchObject({ started: 20, succeeded: 20, failed: 0 });
    });
  });

  describe('when some operations reject', () => {
    it('counts and keeps the errors', async () => {
      const boom = new Error('boom');
      const result = await runLoad({ count: 10 }, (i) => (i % 2 ? Promise.reject(boom) : Promise.resolve()));
      expect(result).toMatchObject({ succeeded: 5, failed: 5 });
      expect(result.errors).toEqual([boom, boom, boom, boom, boom]);
    });
  });

  describe('when the signal is aborted', () => {
    it('starts nothing new', async () => {
      const stop = new AbortController();
      const result = await runLoad({ count: 100, concurrency: 1, signal: stop.signal }, (i) => {
        if (i === 4) stop.abort();
        return Promise.resolve();
      });
      expect(result.started).toBe(5);
    });
  });
});

describe(percentile, () => {
  it('picks by nearest rank and is 0 when empty', () => {
    expect(percentile([], 0.99)).toBe(0);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});
