import { ConfigError } from '@slipstream/contracts';
import { TokenBucket } from './TokenBucket';

/** A deterministic pseudo-random generator (mulberry32), so the property runs are reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(TokenBucket, () => {
  describe('constructor', () => {
    it('when the rate or burst is invalid, throws a ConfigError naming both', () => {
      expect(() => new TokenBucket({ ratePerSec: 0, burst: 0.5 })).toThrow(ConfigError);
      expect(() => new TokenBucket({ ratePerSec: -1, burst: 0 })).toThrow(/ratePerSec.*burst/);
    });
  });

  describe('.tryTake()', () => {
    it('when full, admits a burst and then refuses', () => {
      const bucket = new TokenBucket({ ratePerSec: 10, burst: 3, clock: () => 0 });
      expect([1, 2, 3, 4].map(() => bucket.tryTake(1, 0))).toEqual([true, true, true, false]);
    });

    it('when time passes, refills at the rate up to the burst', () => {
      const bucket = new TokenBucket({ ratePerSec: 10, burst: 2, clock: () => 0 });
      bucket.tryTake(2, 0);
      expect(bucket.tryTake(1, 50)).toBe(false);
      expect(bucket.tryTake(1, 100)).toBe(true);
      expect(bucket.available(10_000)).toBe(2);
    });

    it('when driven by fake timers through the default clock, refills with them', () => {
      jest.useFakeTimers();
      try {
        const bucket = new TokenBucket({ ratePerSec: 4, burst: 1 });
        expect(bucket.tryTake()).toBe(true);
        expect(bucket.tryTake()).toBe(false);
        jest.advanceTimersByTime(250);
        expect(bucket.tryTake()).toBe(true);
      } finally {
        jest.useRealTimers();
      }
    });

    it('when the clock steps back, mints no tokens', () => {
      const bucket = new TokenBucket({ ratePerSec: 1000, burst: 1, clock: () => 100 });
      bucket.tryTake(1, 100);
      expect(bucket.tryTake(1, 50)).toBe(false);
    });

    it.each([1, 2, 3, 4, 5])('never admits more than rate × elapsed + burst (seed %i)', (seed) => {
      const random = prng(seed);
      // Rates up to 200/s against ~800 tokens/s offered: always overloaded.
      const ratePerSec = 1 + Math.floor(random() * 200);
      const burst = 1 + Math.floor(random() * 50);
      const bucket = new TokenBucket({ ratePerSec, burst, clock: () => 0 });
      let now = 0;
      let admitted = 0;
      let violations = 0;
      // Bounded run: 20_000 attempts at random gaps of 0..5 ms, taking 1..3 tokens each.
      for (let i = 0; i < 20_000; i++) {
        now += random() * 5;
        const n = 1 + Math.floor(random() * Math.min(3, burst));
        if (bucket.tryTake(n, now)) admitted += n;
        if (admitted > (ratePerSec * now) / 1000 + burst + 1e-9) violations++;
      }
      expect(violations).toBe(0);
      // And it is not a trivially closed bucket: overloaded, it admits at a good share of the rate.
      expect(admitted).toBeGreaterThan(((ratePerSec * now) / 1000) * 0.5);
    });
  });

  describe('.waitTimeMs()', () => {
    it('says how long until enough tokens are there', () => {
      const bucket = new TokenBucket({ ratePerSec: 10, burst: 2, clock: () => 0 });
      bucket.tryTake(2, 0);
      expect(bucket.waitTimeMs(1, 0)).toBeCloseTo(100);
      expect(bucket.waitTimeMs(1, 100)).toBe(0);
      expect(bucket.waitTimeMs(3, 100)).toBe(Infinity);
    });
  });
});
