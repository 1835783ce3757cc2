import { ConfigError } from '@slipstream/contracts';
import { AdaptiveConcurrencyLimiter } from './AdaptiveConcurrencyLimiter';

describe(AdaptiveConcurrencyLimiter, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Feeds one window: `minWindowSamples` samples at `rttMs`, spread over `windowMs` of fake time. */
  function feedWindow(
    limiter: AdaptiveConcurrencyLimiter,
    rttMs: number,
    samples = 10,
    windowMs = 1_000,
  ): void {
    for (let i = 0; i < samples; i++) {
      jest.advanceTimersByTime(windowMs / samples);
      limiter.onSample({ rttMs, inflight: limiter.limit });
    }
  }

  describe('constructor', () => {
    it('when options are out of range, throws a ConfigError naming each', () => {
      expect(() => new AdaptiveConcurrencyLimiter({ minLimit: 0, smoothing: 2 })).toThrow(ConfigError);
      expect(() => new AdaptiveConcurrencyLimiter({ minLimit: 5, maxLimit: 2 })).toThrow(
        /maxLimit.*initialLimit/,
      );
    });
  });

  describe('.onSample()', () => {
    it('when latency doubles, the limit falls within a few windows and rises after recovery', () => {
      const publish = jest.fn(() => Promise.resolve());
      const limiter = new AdaptiveConcurrencyLimiter({ cluster: 'c', initialLimit: 20, bus: { publish } });
      for (let w = 0; w < 10; w++) feedWindow(limiter, 10);
      const steady = limiter.limit;
      expect(steady).toBeGreaterThanOrEqual(20);

      const slow: number[] = [];
      for (let w = 0; w < 5; w++) {
        feedWindow(limiter, 20);
        slow.push(limiter.limit);
      }
      expect(slow[2]).toBeLessThan(steady);
      expect(slow[4]).toBeLessThanOrEqual(Math.floor(steady * 0.9));

      const low = limiter.limit;
      for (let w = 0; w < 10; w++) feedWindow(limiter, 10);
      expect(limiter.limit).toBeGreaterThan(low);
      expect(publish).toHaveBeenCalledWith(
        'network.limit.changed',
        expect.objectContaining({ cluster: 'c' }),
      );
    });

    it('when the window is not long or big enough yet, does not change the limit', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 10 });
      feedWindow(limiter, 10);
      feedWindow(limiter, 100, 9, 1_000);
      expect(limiter.limit).toBe(10);
      feedWindow(limiter, 100, 20, 500);
      expect(limiter.limit).toBeLessThan(10);
    });

    it('when a request is dropped, halves the window gradient', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 100, smoothing: 1 });
      feedWindow(limiter, 10);
      for (let i = 0; i < 10; i++) {
        jest.advanceTimersByTime(100);
        limiter.onSample({ rttMs: 10, inflight: 100, dropped: i === 0 });
      }
      expect(limiter.limit).toBe(52);
    });

    it('when the client does not push (in-flight below half the limit), leaves the limit alone', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 50 });
      for (let w = 0; w < 5; w++) {
        for (let i = 0; i < 10; i++) {
          jest.advanceTimersByTime(100);
          limiter.onSample({ rttMs: 10 * (w + 1), inflight: 3 });
        }
      }
      expect(limiter.limit).toBe(50);
    });

    it('stays within min and max', () => {
      const limiter = new AdaptiveConcurrencyLimiter({
        initialLimit: 5,
        minLimit: 3,
        maxLimit: 6,
        smoothing: 1,
      });
      for (let w = 0; w < 5; w++) feedWindow(limiter, 10);
      expect(limiter.limit).toBe(6);
      for (let w = 0; w < 20; w++) feedWindow(limiter, 10 * 2 ** w);
      expect(limiter.limit).toBe(3);
    });
  });
});
