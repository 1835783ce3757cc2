import { ConfigError } from '@slipstream/contracts';
import { AdaptiveConcurrencyLimiter, MIN_QUEUE_BUDGET_MS } from './AdaptiveConcurrencyLimiter';

describe(AdaptiveConcurrencyLimiter, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Feeds one window: `samples` samples at `rttMs` and `inflight` (the limit), spread over `windowMs` of fake time. */
  function feedWindow(
    limiter: AdaptiveConcurrencyLimiter,
    rttMs: number,
    samples = 10,
    windowMs = 1_000,
    inflight = limiter.limit,
  ): void {
    for (let i = 0; i < samples; i++) {
      jest.advanceTimersByTime(windowMs / samples);
      limiter.onSample({ rttMs, inflight });
    }
  }

  /** One round: `count` requests sent now with `inflight` in flight, all answered `rttMs` later. */
  function feedRound(
    limiter: AdaptiveConcurrencyLimiter,
    rttMs: number,
    count = limiter.limit,
    inflight = limiter.limit,
  ): void {
    jest.advanceTimersByTime(rttMs);
    for (let i = 0; i < count; i++) limiter.onSample({ rttMs, inflight });
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
    it('when the limit binds and latency holds, doubles it every round (slow start)', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20 });
      feedRound(limiter, 10);
      expect(limiter.limit).toBe(40);
      feedRound(limiter, 10);
      expect(limiter.limit).toBe(80);
    });

    it('counts in a window only requests sent after it began: late answers of the previous round neither double nor cut the limit again', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20 });
      feedRound(limiter, 10);
      expect(limiter.limit).toBe(40);
      // Answers of requests sent 30 ms ago, before the window began: whatever their RTT, they
      // measured the limit of 20.
      for (let i = 0; i < 40; i++) limiter.onSample({ rttMs: 30, inflight: 40 });
      jest.advanceTimersByTime(5);
      for (let i = 0; i < 40; i++) limiter.onSample({ rttMs: 30, inflight: 40 });
      expect(limiter.limit).toBe(40);
      feedRound(limiter, 10);
      expect(limiter.limit).toBe(80);
    });

    it('at the first cut, re-measures a cold baseline with a probe at most at the initial limit, and slow start goes on until a cut against the probed one', () => {
      const publish = jest.fn(() => Promise.resolve());
      const limiter = new AdaptiveConcurrencyLimiter({ cluster: 'c', initialLimit: 20, bus: { publish } });
      // Cold first round: connection set-up makes the baseline 100 ms; 140 ms is within its tolerance.
      feedRound(limiter, 100);
      feedRound(limiter, 140);
      expect(limiter.limit).toBe(80);
      feedRound(limiter, 200); // gradient 150 / 200: cut to 60, and probe at min(60, 20) ÷ 2.5
      expect(limiter.probing).toBe(true);
      expect(limiter.limit).toBe(8);
      expect(publish).toHaveBeenLastCalledWith('network.limit.changed', { cluster: 'c', from: 80, to: 8 });
      feedRound(limiter, 50, 10);
      expect(limiter.probing).toBe(false);
      expect(limiter.baselineRttMs).toBe(50);
      expect(limiter.limit).toBe(60);
      feedRound(limiter, 50); // no cut: slow start goes on
      expect(limiter.limit).toBe(120);
      feedRound(limiter, 100); // a cut against the probed baseline (75 / 100) ends slow start
      expect(limiter.limit).toBe(90);
      expect(limiter.probing).toBe(false);
      feedRound(limiter, 50);
      expect(limiter.limit).toBe(90); // 90 + 0.2 × 4 = 90.8: after slow start it probes upwards slowly
    });

    it('reads the median of a window, not its mean: a healthy slow tail neither cuts the limit nor inflates the baseline', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20, maxLimit: 80 });
      // 1 in 5 answers take 6× as long (a healthy upstream's tail: the mean is 2× the median).
      for (let r = 0; r < 4; r++) {
        jest.advanceTimersByTime(60);
        const n = limiter.limit;
        for (let i = 0; i < n; i++) limiter.onSample({ rttMs: i % 5 === 0 ? 60 : 10, inflight: n });
      }
      expect(limiter.baselineRttMs).toBe(10);
      expect(limiter.limit).toBe(80);
    });

    it('when a request is dropped, halves the limit', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 100, smoothing: 1 });
      feedWindow(limiter, 10, 10, 1_000, 10);
      for (let i = 0; i < 10; i++) {
        jest.advanceTimersByTime(100);
        limiter.onSample({ rttMs: 10, inflight: 100, dropped: i === 0 });
      }
      // The first cut probes the baseline (at min(50, 100) ÷ 2.5), then restores the halved limit.
      expect(limiter.limit).toBe(20);
      feedRound(limiter, 10, 10);
      expect(limiter.limit).toBe(50);
    });

    it('when app-limited (in-flight below half the limit), neither grows nor shrinks the limit, whatever the RTT', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 50 });
      for (let w = 0; w < 30; w++) feedWindow(limiter, 10 * (w + 1), 10, 1_000, 3);
      expect(limiter.limit).toBe(50);
    });

    it('regression (issue 12): 12 s of one-at-a-time traffic leaves the default limit at 20, not 3', () => {
      const limiter = new AdaptiveConcurrencyLimiter();
      for (let w = 0; w < 12; w++) feedWindow(limiter, 50, 20, 1_000, 1);
      expect(limiter.limit).toBe(20);
    });

    it('regression: when overload lasts minutes, the baseline stays the no-load RTT and the limit does not creep up', () => {
      // Closed loop with an upstream of 10 slots × 50 ms: beyond 10 in flight, requests queue inside it.
      // Starting under overload, the first window sees 100 ms (20 in flight): a wrong baseline
      // that the probes correct, after which it must hold.
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20 });
      const rttAt = (inflight: number): number => 50 * Math.max(1, inflight / 10);
      let probes = 0;
      const late = { baselines: new Set<number>(), maxLimit: 0 };
      for (let w = 0; w < 600; w++) {
        // The client always pushes: in flight = the limit (the probe's, while probing).
        const wasProbing = limiter.probing;
        feedWindow(limiter, rttAt(limiter.limit), 10, 1_000, limiter.limit);
        if (!wasProbing && limiter.probing) probes++;
        if (w >= 300) {
          late.baselines.add(limiter.baselineRttMs);
          if (!limiter.probing) late.maxLimit = Math.max(late.maxLimit, limiter.limit);
        }
      }
      expect(probes).toBeGreaterThanOrEqual(10); // every 30 s over 10 minutes of fake time
      expect([...late.baselines]).toEqual([50]);
      expect(late.maxLimit).toBeLessThanOrEqual(16); // RTT within rttTolerance (1.5) of 50 ms: about 15 in flight
    });
  });

  describe('.queueBudgetMs', () => {
    it('is Infinity until a window measures queueing, then half the no-load RTT (at least MIN_QUEUE_BUDGET_MS) for 2 × windowMs', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20, windowMs: 1_000 });
      feedRound(limiter, 200);
      feedRound(limiter, 220); // 1.1 × the baseline: below the queueing mark of 1.125 ×
      expect(limiter.queueBudgetMs).toBe(Infinity);
      feedRound(limiter, 260); // 1.3 ×: queueing, though within the tolerance (no cut)
      expect(limiter.probing).toBe(false);
      expect(limiter.queueBudgetMs).toBe(100);
      jest.advanceTimersByTime(1_999);
      expect(limiter.queueBudgetMs).toBe(100);
      jest.advanceTimersByTime(1);
      expect(limiter.queueBudgetMs).toBe(Infinity);
      // Against a 20 ms upstream, half its RTT would be 10 ms: the budget stays at MIN_QUEUE_BUDGET_MS.
      const fast = new AdaptiveConcurrencyLimiter({ initialLimit: 20 });
      feedRound(fast, 20);
      feedRound(fast, 24);
      expect(fast.queueBudgetMs).toBe(MIN_QUEUE_BUDGET_MS);
    });

    it('is Infinity after app-limited windows and a burst of slow start, however many wait', () => {
      const limiter = new AdaptiveConcurrencyLimiter();
      for (let w = 0; w < 12; w++) feedWindow(limiter, 50, 20, 1_000, 1);
      feedRound(limiter, 50);
      feedRound(limiter, 50);
      expect(limiter.limit).toBe(80);
      expect(limiter.queueBudgetMs).toBe(Infinity);
    });
  });

  describe('probe', () => {
    it('when the baseline was not confirmed for probeIntervalMs, lowers the limit, measures the no-load RTT and restores it', () => {
      const publish = jest.fn(() => Promise.resolve());
      const limiter = new AdaptiveConcurrencyLimiter({
        initialLimit: 20,
        probeIntervalMs: 10_000,
        smoothing: 1,
        bus: { publish },
      });
      // A first cut (which probes a baseline that may be cold) confirms 40 ms.
      feedRound(limiter, 40);
      feedRound(limiter, 70);
      feedRound(limiter, 40, 10, 1);
      expect(limiter.probing).toBe(false);
      expect(limiter.baselineRttMs).toBe(40);
      // The upstream got slower for good: 70 ms at any load. Against 40 ms the limit keeps falling.
      let windows = 0;
      let before = limiter.limit;
      while (!limiter.probing && windows++ < 20) {
        before = limiter.limit;
        feedWindow(limiter, 70, 10, 1_000, limiter.limit);
      }
      expect(limiter.probing).toBe(true);
      expect(windows).toBe(10);
      const probeLimit = limiter.limit;
      expect(probeLimit).toBeGreaterThanOrEqual(1);
      expect(probeLimit).toBeLessThanOrEqual(Math.ceil(before / 2.5)); // the limit ÷ (rttTolerance + 1)
      // Requests that started before the probe (more in flight than its limit) do not count.
      limiter.onSample({ rttMs: 500, inflight: probeLimit + 1 });
      for (let i = 0; i < 10; i++) limiter.onSample({ rttMs: 70, inflight: probeLimit });
      expect(limiter.probing).toBe(false);
      expect(limiter.baselineRttMs).toBe(70);
      // Measured against 70 ms the limit can grow again.
      const after = limiter.limit;
      expect(publish).toHaveBeenLastCalledWith('network.limit.changed', {
        cluster: 'default',
        from: probeLimit,
        to: after,
      });
      for (let w = 0; w < 3; w++) feedWindow(limiter, 70, 10, 1_000, limiter.limit);
      expect(limiter.limit).toBeGreaterThan(after);
    });
  });

  describe('.update()', () => {
    it('when valid, applies the new bounds and keeps the learned limit within them', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20 });
      limiter.update({ initialLimit: 10, maxLimit: 12, smoothing: 0.5 });
      expect(limiter.limit).toBe(12);
      expect(limiter.options).toMatchObject({ maxLimit: 12, smoothing: 0.5, minLimit: 1, initialLimit: 10 });
    });

    it('when invalid, throws a ConfigError naming the field and keeps the old settings', () => {
      const limiter = new AdaptiveConcurrencyLimiter({ initialLimit: 20 });
      expect(() => limiter.update({ smoothing: 0 })).toThrow(
        /adaptiveConcurrency\.smoothing: expected number > 0, received 0 \(number\)/,
      );
      expect(limiter.options.smoothing).toBe(0.2);
      expect(limiter.limit).toBe(20);
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
