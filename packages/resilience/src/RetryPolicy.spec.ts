import { ConfigError, ConnectionError, OverloadedError, UpstreamStatusError } from '@slipstream/contracts';
import { RetryPolicy } from './RetryPolicy';

describe(RetryPolicy, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.execute()', () => {
    it('when every endpoint returns 503, attempts stay within 1.2 × requests + floor (the retry budget)', async () => {
      const policy = new RetryPolicy({ maxRetries: 3, baseDelayMs: 0, maxDelayMs: 0 }, { random: () => 0 });
      const requests = 1_000;
      let attempts = 0;
      const results = Array.from({ length: requests }, () =>
        policy
          .execute(
            () => {
              attempts += 1;
              return Promise.reject(new UpstreamStatusError(503, 'unavailable'));
            },
            { idempotent: true },
          )
          .catch(() => 'failed'),
      );
      await jest.advanceTimersByTimeAsync(10);
      await expect(Promise.all(results)).resolves.toHaveLength(requests);
      const floor = 10;
      expect(attempts).toBeLessThanOrEqual(1.2 * requests + floor);
      expect(attempts).toBeLessThan(requests * 4);
      expect(policy.stats()).toMatchObject({ requests, attempts, retries: attempts - requests });
    });

    it('when a call gives its own maxRetries, it overrides the policy for that call only', async () => {
      const policy = new RetryPolicy({ maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 });
      const attemptsWith = async (maxRetries?: number): Promise<number> => {
        let attempts = 0;
        const result = policy
          .execute(
            () => {
              attempts += 1;
              return Promise.reject(new ConnectionError('refused'));
            },
            { idempotent: true, maxRetries },
          )
          .catch(() => undefined);
        await jest.advanceTimersByTimeAsync(10);
        await result;
        return attempts;
      };
      expect(await attemptsWith(3)).toBe(4);
      expect(await attemptsWith(0)).toBe(1);
      expect(await attemptsWith(undefined)).toBe(2);
    });

    it('when a call gives an invalid maxRetries, rejects with ConfigError naming it', async () => {
      const policy = new RetryPolicy();
      await expect(policy.execute(() => Promise.resolve(1), { maxRetries: -1 })).rejects.toThrow(
        /maxRetries/,
      );
      await expect(policy.execute(() => Promise.resolve(1), { maxRetries: 1.5 })).rejects.toBeInstanceOf(
        ConfigError,
      );
    });

    it('when an attempt fails on an endpoint, the next one excludes it', async () => {
      const policy = new RetryPolicy({ baseDelayMs: 10 }, { random: () => 1 });
      const seen: string[][] = [];
      const result = policy.execute(
        (a) => {
          seen.push([...a.excluded]);
          a.endpoint = `http://e${a.attempt}:1`;
          return a.attempt < 2 ? Promise.reject(new ConnectionError('refused')) : Promise.resolve('ok');
        },
        { idempotent: true },
      );
      await jest.advanceTimersByTimeAsync(30);
      await expect(result).resolves.toBe('ok');
      expect(seen).toEqual([[], ['http://e0:1'], ['http://e0:1', 'http://e1:1']]);
    });

    it('when backing off, waits random × min(cap, base × 2ⁿ) (full jitter)', async () => {
      const policy = new RetryPolicy(
        { baseDelayMs: 100, maxDelayMs: 150, maxRetries: 2 },
        { random: () => 0.5 },
      );
      const times: number[] = [];
      const result = policy.execute(
        () => {
          times.push(Date.now());
          return Promise.reject(new ConnectionError('refused'));
        },
        { idempotent: true },
      );
      const settled = expect(result).rejects.toThrow(ConnectionError);
      await jest.advanceTimersByTimeAsync(200);
      await settled;
      expect(times).toEqual([0, 50, 125]);
    });

    it('when the error asks for Retry-After, waits that long', async () => {
      const policy = new RetryPolicy({ baseDelayMs: 1 }, { random: () => 0 });
      const times: number[] = [];
      const result = policy.execute(
        () => {
          times.push(Date.now());
          return times.length === 1
            ? Promise.reject(new OverloadedError('shed', 2_000))
            : Promise.resolve('ok');
        },
        { idempotent: true },
      );
      await jest.advanceTimersByTimeAsync(2_000);
      await expect(result).resolves.toBe('ok');
      expect(times).toEqual([0, 2_000]);
    });

    it('when Retry-After reaches past the deadline, gives up with the error', async () => {
      const policy = new RetryPolicy({}, { random: () => 0 });
      const fn = jest.fn(() => Promise.reject(new OverloadedError('shed', 5_000)));
      await expect(policy.execute(fn, { idempotent: true, deadline: 1_000 })).rejects.toThrow(
        OverloadedError,
      );
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('when the request is not idempotent and did not opt in, does not retry', async () => {
      const policy = new RetryPolicy();
      const fn = jest.fn(() => Promise.reject(new ConnectionError('refused')));
      await expect(policy.execute(fn)).rejects.toThrow(ConnectionError);
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('when the error is not retryable (400), does not retry', async () => {
      const policy = new RetryPolicy();
      const fn = jest.fn(() => Promise.reject(new UpstreamStatusError(400, 'bad')));
      await expect(policy.execute(fn, { idempotent: true })).rejects.toThrow(UpstreamStatusError);
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('when the caller aborts during the backoff, rejects with RequestAbortedError', async () => {
      const policy = new RetryPolicy({ baseDelayMs: 1_000 }, { random: () => 1 });
      const controller = new AbortController();
      const result = policy.execute(() => Promise.reject(new ConnectionError('refused')), {
        idempotent: true,
        signal: controller.signal,
      });
      const settled = expect(result).rejects.toMatchObject({ code: 'SLIP_ERR_ABORTED' });
      await jest.advanceTimersByTimeAsync(10);
      controller.abort();
      await settled;
    });
  });

  describe('.updateOptions()', () => {
    it('when an option is invalid, throws ConfigError naming it and keeps the old options', () => {
      const policy = new RetryPolicy();
      expect(() => policy.updateOptions({ maxRetries: -1 })).toThrow(
        /maxRetries: expected an integer ≥ 0, received -1/,
      );
      expect(() => policy.updateOptions({ budget: { ratio: 2 } })).toThrow(ConfigError);
    });
  });
});
