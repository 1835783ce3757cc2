import { ConnectionError } from '@slipstream/contracts';
import { Hedger } from './Hedger';

function after<T>(ms: number, value: T, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });
}

async function warmUp(hedger: Hedger, latencyMs: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = hedger.execute((signal) => after(latencyMs, i, signal), { idempotent: true });
    await jest.advanceTimersByTimeAsync(latencyMs);
    await r;
  }
}

describe(Hedger, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.execute()', () => {
    it('when the first attempt is slower than the observed p95, a backup answers and the loser is aborted (the winner is not)', async () => {
      const hedger = new Hedger({ minSamples: 20, budget: { minPerSecond: 5 } });
      await warmUp(hedger, 10, 20);
      expect(hedger.delayMs()).toBe(10);
      const signals: AbortSignal[] = [];
      const result = hedger.execute(
        (signal, attempt) => {
          signals.push(signal);
          return after(attempt === 0 ? 1_000 : 10, `attempt ${attempt}`, signal);
        },
        { idempotent: true },
      );
      await jest.advanceTimersByTimeAsync(20);
      await expect(result).resolves.toBe('attempt 1');
      expect(signals[0]!.aborted).toBe(true);
      // A streamed answer is still read under the winner's signal.
      expect(signals[1]!.aborted).toBe(false);
      expect(hedger.stats()).toMatchObject({ hedges: 1, hedgeWins: 1 });
    });

    it('when the request is not idempotent, never hedges', async () => {
      const hedger = new Hedger({ minSamples: 1 });
      await warmUp(hedger, 10, 1);
      const fn = jest.fn((signal: AbortSignal) => after(100, 'x', signal));
      const result = hedger.execute(fn);
      await jest.advanceTimersByTimeAsync(100);
      await expect(result).resolves.toBe('x');
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('when the hedge budget is spent, does not hedge', async () => {
      const hedger = new Hedger({ minSamples: 1, budget: { ratio: 0, minPerSecond: 0 } });
      await warmUp(hedger, 10, 1);
      const fn = jest.fn((signal: AbortSignal) => after(100, 'x', signal));
      const result = hedger.execute(fn, { idempotent: true });
      await jest.advanceTimersByTimeAsync(100);
      await expect(result).resolves.toBe('x');
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('when the only attempt fails, rejects at once', async () => {
      const hedger = new Hedger();
      await expect(hedger.execute(() => Promise.reject(new ConnectionError('refused')))).rejects.toThrow(
        ConnectionError,
      );
    });
  });
});
