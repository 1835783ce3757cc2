import { ConfigError } from '@slipstream/contracts';
import {
  AdaptiveConcurrencyLimiter,
  type AdaptiveConcurrencyLimiterOptions,
} from './AdaptiveConcurrencyLimiter';
import { IDLE_LOOP } from '../../test/idleLoop';

/** A limiter on the fake clock: the real event loop's utilization does not describe its simulated windows. */
function adaptive(options: AdaptiveConcurrencyLimiterOptions = {}): AdaptiveConcurrencyLimiter {
  return new AdaptiveConcurrencyLimiter({ eventLoopUtilization: IDLE_LOOP, ...options });
}

describe(AdaptiveConcurrencyLimiter, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /**
   * Feeds one window: `samples` samples at `rttMs` and `inflight` (the limit), spread over `windowMs` of fake time
   * after one round trip (so that each was sent after the window began, as in a closed loop).
   */
  /** A storm of overload: every answer dropped (a 503 within 1 ms), until the limit is 1. */
  function dropToOne(limiter: AdaptiveConcurrencyLimiter): void {
    for (let w = 0; w < 40 && limiter.limit > 1; w++) {
      for (let i = 0; i < Math.max(10, limiter.limit); i++) {
        jest.advanceTimersByTime(1);
        limiter.onSample({ rttMs: 1, inflight: limiter.limit, dropped: true });
      }
    }
  }

  function feedWindow(
    limiter: AdaptiveConcurrencyLimiter,
    rttMs: number,
    samples = 10,
    windowMs = 1_000,
    inflight = limiter.limit,
  ): void {
    jest.advanceTimersByTime(rttMs);
    for (let i = 0; i < samples; i++) {
      jest.advanceTimersByTime(windowMs / samples);
      limiter.onSample({ rttMs, inflight });
    }
  }

  describe('constructor', () => {
    it('when options are out of range, throws a ConfigError naming each', () => {
      expect(() => adaptive({ minLimit: 0, smoothing: 2 })).toThrow(ConfigError);
      expect(() => adaptive({ minLimit: 5, maxLimit: 2 })).toThrow(/maxLimit.*initialLimit/);
    });
  });

  describe('.onSample()', () => {
    it('when latency doubles, the limit falls within a few windows and rises after recovery', () => {
      const publish = jest.fn(() => Promise.resolve());
      const limiter = adaptive({ cluster: 'c', initialLimit: 20, bus: { publish } });
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
      const limiter = adaptive({ initialLimit: 10 });
      feedWindow(limiter, 10, 10, 1_000, 4);
      feedWindow(limiter, 100, 9, 1_000);
      expect(limiter.limit).toBe(10);
      feedWindow(limiter, 100, 20, 500);
      expect(limiter.limit).toBeLessThan(10);
    });

    it('when the limit binds and latency holds, doubles it every round of the limit (slow start); after latency rose, grows additively at the learned limit until latency has been back near no-load for windowMs, then doubles again', () => {
      const limiter = adaptive({ initialLimit: 20 });
      feedWindow(limiter, 10, 20, 100);
      expect(limiter.limit).toBe(40);
      feedWindow(limiter, 10, 40, 100);
      expect(limiter.limit).toBe(80);
      // Latency rises beyond rttTolerance: slow start ends, and the overshoot is undone whole (not below 40).
      feedWindow(limiter, 40, 80, 100);
      expect(limiter.limit).toBe(40);
      // Within the tolerance (1.4× the no-load RTT): the limit learned under congestion, probed additively.
      feedWindow(limiter, 14, 40, 100);
      expect(limiter.limit).toBe(40);
      // Back near the no-load RTT while the limit binds: one round is not enough (the first round after a
      // cut reads near no-load even above capacity), but for windowMs (1 s) it is: the upstream recovered or
      // grew, and the limit doubles again (issue 12: it grows quickly while it is what holds requests back,
      // until latency rises).
      feedWindow(limiter, 10, 40, 100);
      expect(limiter.limit).toBeLessThan(44);
      for (let w = 0; w < 10 && limiter.limit < 60; w++) feedWindow(limiter, 10, limiter.limit, 300);
      expect(limiter.limit).toBeGreaterThanOrEqual(80);
    });

    it('regression (issue 12): when a window binds with requests waiting, grows to the demand in one round if that is more than double', () => {
      // 100 requests at once to a slow upstream: 20 in flight, 80 waiting. Doubling per round trip would leave
      // the last 40 waiting two round trips, past a 5 s queue timeout at 2.5 s each.
      const limiter = adaptive({ initialLimit: 20 });
      jest.advanceTimersByTime(2_500);
      for (let i = 0; i < 20; i++) limiter.onSample({ rttMs: 2_500, inflight: i + 1, queued: 80 - i });
      expect(limiter.limit).toBe(100);
    });

    it('after a cut, leaves out requests sent before it (they measure the old limit)', () => {
      const limiter = adaptive({ initialLimit: 20 });
      feedWindow(limiter, 10, 20, 100);
      feedWindow(limiter, 40, 40, 100);
      expect(limiter.limit).toBe(20);
      // The upstream's queue built by 40 in flight drains for a round trip: those answers are slow but stale.
      const now = performance.now();
      for (let i = 0; i < 20; i++) limiter.onSample({ rttMs: 40 + i, inflight: 20 });
      expect(performance.now()).toBe(now);
      expect(limiter.limit).toBe(20);
    });

    it('regression (issue 12 (b)): when a minority of a window queued (slow-start overshoot, cold connections), the baseline is the no-load RTT, not the mean', () => {
      const limiter = adaptive({ initialLimit: 20 });
      // 16 served at once in 50 ms, 4 queued behind them: the mean is 60 ms, the median 50 ms.
      for (let i = 0; i < 20; i++) {
        jest.advanceTimersByTime(5);
        limiter.onSample({ rttMs: i < 16 ? 50 : 100, inflight: 20 });
      }
      expect(limiter.baselineRttMs).toBe(50);
      // At 80 ms (1.6× the no-load RTT, within 1.5× the mean's 60) the limit falls.
      const before = limiter.limit;
      feedWindow(limiter, 80, before, 100);
      expect(limiter.limit).toBeLessThan(before);
    });

    it("fails fast no sooner than 20 ms: a sub-millisecond upstream's half RTT is below the client's own jitter", () => {
      const limiter = adaptive({ initialLimit: 20 });
      feedWindow(limiter, 0.5, 20, 100);
      feedWindow(limiter, 2, limiter.limit, 100); // 4× the no-load RTT: elevated
      expect(limiter.maxQueueWaitMs).toBeGreaterThanOrEqual(20);
      for (let w = 0; w < 3; w++) feedWindow(limiter, 0.7, limiter.limit, 100); // 1.4×: still elevated
      expect(limiter.maxQueueWaitMs).toBe(20);
      limiter.update({ maxQueueWaitRtts: 0 });
      expect(limiter.maxQueueWaitMs).toBe(0);
    });

    it('when the limit binds in slow start, allows any wait for a slot; while latency is elevated, maxQueueWaitRtts × the no-load RTT (plus the drain of a whole cut); once it is back near no-load, any again', () => {
      const limiter = adaptive({ initialLimit: 20 });
      expect(limiter.maxQueueWaitMs).toBeUndefined();
      feedWindow(limiter, 40, 20, 100);
      expect(limiter.limit).toBe(40); // slow start: doubled, a burst may wait for it
      expect(limiter.maxQueueWaitMs).toBeUndefined();
      feedWindow(limiter, 100, 40, 100); // 2.5× the no-load RTT
      expect(limiter.limit).toBe(24); // cut whole: 40 × 1.5 × 40 ÷ 100
      // The 16 in flight above the new limit drain within the RTT that caused the cut (100 ms): a newcomer
      // may wait for that (a critical request would be shed for the client's own excess).
      expect(limiter.maxQueueWaitMs).toBe(20 + 100);
      // Within the tolerance but not near no-load (1.4×): still elevated.
      feedWindow(limiter, 56, limiter.limit, 100);
      expect(limiter.maxQueueWaitMs).toBe(20); // 0.5 × 40 ms
      // Near no-load, at the limit learned under congestion: fail fast until that has lasted windowMs.
      feedWindow(limiter, 40, limiter.limit, 100);
      expect(limiter.maxQueueWaitMs).toBe(20);
      for (let w = 0; w < 5; w++) feedWindow(limiter, 40, limiter.limit, 300);
      expect(limiter.maxQueueWaitMs).toBeUndefined();
      feedWindow(limiter, 100, limiter.limit, 100);
      expect(limiter.maxQueueWaitMs).toBeGreaterThanOrEqual(20);
      feedWindow(limiter, 56, limiter.limit, 100);
      expect(limiter.maxQueueWaitMs).toBe(20);
      limiter.update({ maxQueueWaitRtts: 0 });
      expect(limiter.maxQueueWaitMs).toBe(0);
      expect(() => limiter.update({ maxQueueWaitRtts: -0.5 })).toThrow(
        /adaptiveConcurrency\.maxQueueWaitRtts/,
      );
    });

    it('while a probe holds the limit down, allows any wait for a slot (the probe is waited out, not shed)', () => {
      const limiter = adaptive({ initialLimit: 20, probeIntervalMs: 2_000 });
      feedWindow(limiter, 40, 20, 100);
      for (let w = 0; w < 10 && !limiter.probing; w++) feedWindow(limiter, 100, 10, 1_000, limiter.limit);
      expect(limiter.probing).toBe(true);
      expect(limiter.maxQueueWaitMs).toBeUndefined();
      feedWindow(limiter, 40, 10, 100, 1);
      expect(limiter.probing).toBe(false);
      expect(limiter.maxQueueWaitMs).toBe(20);
    });

    it('regression (issue 12): after a run of dropped requests (503s answered at once) cut the limit to 1, a healed upstream gets it back fast: the refusals do not lower the baseline, and the limit doubles', () => {
      const limiter = adaptive({ initialLimit: 20 });
      feedWindow(limiter, 20, 20, 100);
      expect(limiter.limit).toBe(40);
      // Overload: every answer a 503 within 1 ms.
      dropToOne(limiter);
      expect(limiter.limit).toBe(1);
      expect(limiter.baselineRttMs).toBe(20);
      expect(limiter.maxQueueWaitMs).toBe(20); // the upstream said it is overloaded: fail fast (0.5 × 20 ms, raised to the 20 ms floor)
      // Healed: 20 ms answers, 16 callers (15 waiting). The limit doubles (to the demand) up to half where the run
      // of drops began, then, latency near no-load for windowMs, on; nothing is shed once it is no longer binding.
      const windows: number[] = [];
      for (let w = 0; w < 30 && limiter.limit < 16; w++) {
        const limit = limiter.limit;
        jest.advanceTimersByTime(20);
        for (let i = 0; i < Math.max(10, limit); i++) {
          jest.advanceTimersByTime(20 / limit);
          limiter.onSample({ rttMs: 20, inflight: limit, queued: 16 - limit });
        }
        windows.push(limiter.limit);
      }
      expect(limiter.limit).toBeGreaterThanOrEqual(16);
      expect(windows.length).toBeLessThanOrEqual(20);
      expect(windows[0]).toBe(16); // 1 + 15 waiting, more than double
    });

    it('regression (issue 12): after a storm of 503s cut the limit to 1, a slow (1 s) healed upstream gets the limit back to the demand within 4 round trips', () => {
      const limiter = adaptive({ initialLimit: 20 });
      feedWindow(limiter, 1_000, 20, 100);
      expect(limiter.limit).toBe(40);
      dropToOne(limiter);
      expect(limiter.limit).toBe(1);
      // Healed: 1 s answers, 48 callers. Each round trip, the `limit` requests sent at its start end.
      const demand = 48;
      const limits: number[] = [];
      for (let round = 0; round < 10 && limiter.limit < demand; round++) {
        const limit = limiter.limit;
        jest.advanceTimersByTime(1_000);
        for (let i = 0; i < limit; i++) {
          jest.advanceTimersByTime(1);
          limiter.onSample({ rttMs: 1_000, inflight: limit, queued: demand - limit });
        }
        limits.push(limiter.limit);
      }
      // A window at limit 1 closes after its one sample (not after minWindowSamples = 10 round trips).
      expect(limits[0]).toBeGreaterThan(1);
      expect(limits.length).toBeLessThanOrEqual(4);
      expect(limiter.limit).toBeGreaterThanOrEqual(demand);
      expect(limiter.baselineRttMs).toBe(1_000);
    });

    it('regression (issue 12): requests dropped at once (503s) do not lower the no-load baseline, so a healed upstream is not measured against it', () => {
      const limiter = adaptive({ initialLimit: 20 });
      feedWindow(limiter, 20, 10, 1_000, 10);
      expect(limiter.baselineRttMs).toBe(20);
      // A run of 503s answered within 1 ms: an overload signal, not an RTT.
      for (let w = 0; w < 5; w++) {
        for (let i = 0; i < 10; i++) {
          jest.advanceTimersByTime(100);
          limiter.onSample({ rttMs: 1, inflight: limiter.limit, dropped: true });
        }
      }
      expect(limiter.limit).toBeLessThan(20);
      expect(limiter.baselineRttMs).toBe(20);
      // Healed at 20 ms: no congestion there (with a 1 ms baseline the limit kept falling to 1).
      const low = limiter.limit;
      for (let w = 0; w < 5; w++) feedWindow(limiter, 20, 10, 1_000, limiter.limit);
      expect(limiter.limit).toBeGreaterThan(low);
    });

    it('when a request is dropped, halves the window gradient', () => {
      const limiter = adaptive({ initialLimit: 100, smoothing: 1 });
      feedWindow(limiter, 10, 10, 1_000, 10);
      for (let i = 0; i < 10; i++) {
        jest.advanceTimersByTime(100);
        limiter.onSample({ rttMs: 10, inflight: 100, dropped: i === 0 });
      }
      expect(limiter.limit).toBe(50);
    });

    it('when app-limited (in-flight below half the limit), neither grows nor shrinks the limit while latency is within the tolerance; beyond it, caps the limit at the in-flight used, never lower', () => {
      const limiter = adaptive({ initialLimit: 50 });
      for (let w = 0; w < 10; w++) feedWindow(limiter, w % 2 === 0 ? 10 : 14, 10, 1_000, 3);
      expect(limiter.limit).toBe(50);
      feedWindow(limiter, 30, 10, 1_000, 3); // 3× the no-load RTT
      expect(limiter.limit).toBe(3); // what the client sends, no lower (from here it binds: the gradient applies)
    });

    it('regression (issue 12): when the upstream degrades after slow start left the limit at twice the demand, the unused headroom goes and the limit cuts in', () => {
      const limiter = adaptive({ initialLimit: 64 });
      feedWindow(limiter, 20, 64, 100);
      expect(limiter.limit).toBe(128); // slow start: 64 in flight bound the limit
      feedWindow(limiter, 20, 60, 1_000, 60);
      expect(limiter.limit).toBe(128); // app-limited, latency normal: nothing learned
      // The upstream now serves 8 at once: 60 in flight take 150 ms, 7.5× the no-load RTT.
      feedWindow(limiter, 150, 60, 1_000, 60);
      expect(limiter.limit).toBe(60); // the headroom the client did not use goes
      expect(limiter.maxQueueWaitMs).toBe(20); // elevated: fail fast (0.5 × 20 ms, raised to the 20 ms floor)
      // The next windows bind, and their gradient cuts (smoothed) while latency stays up.
      for (let w = 0; w < 20; w++) feedWindow(limiter, 150, limiter.limit, 200);
      expect(limiter.limit).toBeLessThan(16);
      expect(limiter.baselineRttMs).toBe(20);
    });

    it('regression (issue 12): 12 s of one-at-a-time traffic leaves the default limit at 20, not 3', () => {
      const limiter = adaptive();
      for (let w = 0; w < 12; w++) feedWindow(limiter, 50, 20, 1_000, 1);
      expect(limiter.limit).toBe(20);
    });

    it('regression: when overload lasts minutes, the baseline stays the no-load RTT and the limit does not creep up', () => {
      // Closed loop with an upstream of 10 slots × 50 ms: beyond 10 in flight, requests queue inside it.
      // Starting under overload, the first window sees 100 ms (20 in flight): a wrong baseline
      // that the probes correct, after which it must hold.
      const limiter = adaptive({ initialLimit: 20 });
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

  describe('a busy event loop', () => {
    /** An event loop busy `share.value` of every span. */
    const busyLoop = (share: { value: number }) => () => ({
      idle: 1 - share.value,
      active: share.value,
      utilization: share.value,
    });

    /** A limiter that probes after 10 s without confirmation, on a loop busy `share.value`, after a first window at 10 ms. */
    function probingOn(share: { value: number }): AdaptiveConcurrencyLimiter {
      const limiter = adaptive({
        initialLimit: 40,
        probeIntervalMs: 10_000,
        eventLoopUtilization: busyLoop(share),
      });
      feedWindow(limiter, 10, 10, 1_000, 32);
      return limiter;
    }

    it("regression (issue 14): while the client's own event loop is busy, no probe starts (at fewer requests in flight it would read less of the client's own queueing and cut the limit again)", () => {
      const share = { value: 0.95 };
      const limiter = probingOn(share);
      // 13 ms: within the tolerance, but it does not confirm the 10 ms baseline.
      for (let w = 0; w < 15; w++) feedWindow(limiter, 13, 10, 1_000, 32);
      expect(limiter.probing).toBe(false);
      share.value = 0.5;
      feedWindow(limiter, 13, 10, 1_000, 32);
      expect(limiter.probing).toBe(true);
    });

    it('a probe that ran on a busy loop teaches nothing: the baselines stay', () => {
      const share = { value: 0.5 };
      const limiter = probingOn(share);
      for (let w = 0; w < 15 && !limiter.probing; w++) feedWindow(limiter, 13, 10, 1_000, 32);
      expect(limiter.probing).toBe(true);
      share.value = 0.95;
      for (let i = 0; i < 10; i++) limiter.onSample({ rttMs: 4, inflight: limiter.limit });
      expect(limiter.probing).toBe(false);
      expect(limiter.baselineRttMs).toBe(10);
    });

    it("regression (issue 12): on a busy client, a rise of the upstream's latency still cuts the limit and sheds the excess", () => {
      const limiter = adaptive({ initialLimit: 64, eventLoopUtilization: busyLoop({ value: 0.95 }) });
      feedWindow(limiter, 20, 10, 1_000, 64);
      // An upstream serving 4 at once behind 64 callers: 17× the no-load RTT.
      for (let w = 0; w < 10; w++) feedWindow(limiter, 340, 40, 1_000, limiter.limit);
      expect(limiter.limit).toBeLessThan(32);
      expect(limiter.maxQueueWaitMs).toBeGreaterThanOrEqual(20);
    });
  });

  describe('endpoints of different speeds', () => {
    /**
     * Feeds windows of 20 samples from a 3 ms endpoint 'a' and a 100 ms endpoint 'b' at 32 in flight, the slow share
     * swaying around half (9 of 20, then 11 of 20): the window's plain median falls on the fast side, then the slow.
     * `named`: whether the samples name their endpoint.
     */
    function feedMix(
      limiter: AdaptiveConcurrencyLimiter,
      windows: number,
      named: boolean,
      slowMs = 100,
    ): void {
      for (let w = 0; w < windows; w++) {
        const slow = w % 2 === 0 ? 9 : 11;
        jest.advanceTimersByTime(slowMs);
        for (let i = 0; i < 20; i++) {
          jest.advanceTimersByTime(50);
          const fromSlow = i < slow;
          limiter.onSample({
            rttMs: fromSlow ? slowMs : 3,
            inflight: 32,
            endpoint: named ? (fromSlow ? 'b' : 'a') : undefined,
          });
        }
      }
    }

    it('regression (issue 12): a round-robin mix of a 3 ms and a 100 ms endpoint is not read as congestion: each RTT is read against its own endpoint', () => {
      const limiter = adaptive({ initialLimit: 40 });
      feedMix(limiter, 20, true);
      expect(limiter.limit).toBeGreaterThanOrEqual(40);
      expect(limiter.maxQueueWaitMs).toBeUndefined();
      // Against one shared baseline (samples that name no endpoint), the same mix reads 33× "congestion".
      const shared = adaptive({ initialLimit: 40 });
      feedMix(shared, 20, false);
      expect(shared.limit).toBeLessThan(32);
      expect(shared.maxQueueWaitMs).toBe(20);
    });

    it("regression (issue 12): when one endpoint's queue grows its RTT 16× while another stays fast, cuts the limit", () => {
      const limiter = adaptive({ initialLimit: 64 });
      feedMix(limiter, 4, true, 20);
      const before = limiter.limit;
      for (let w = 0; w < 6; w++) {
        jest.advanceTimersByTime(320);
        for (let i = 0; i < 20; i++) {
          jest.advanceTimersByTime(50);
          // Half the samples each way: the median over all samples sways between 1× and 16×.
          const slow = i % 2 === 0;
          limiter.onSample({ rttMs: slow ? 320 : 3, inflight: 64, endpoint: slow ? 'b' : 'a' });
        }
      }
      expect(limiter.limit).toBeLessThan(before);
      expect(limiter.maxQueueWaitMs).toBeGreaterThanOrEqual(20);
    });

    it('when every endpoint slows down with load, cuts the limit as with one endpoint', () => {
      const limiter = adaptive({ initialLimit: 40 });
      feedMix(limiter, 4, true);
      const before = limiter.limit;
      for (let w = 0; w < 6; w++) {
        jest.advanceTimersByTime(300);
        for (let i = 0; i < 20; i++) {
          jest.advanceTimersByTime(50);
          limiter.onSample({ rttMs: i % 2 === 0 ? 300 : 9, inflight: 32, endpoint: i % 2 === 0 ? 'b' : 'a' });
        }
      }
      expect(limiter.limit).toBeLessThan(before);
      expect(limiter.maxQueueWaitMs).toBeGreaterThanOrEqual(20);
    });

    it("reports as its baseline the median of the last window's samples' own no-load RTTs", () => {
      const limiter = adaptive({ initialLimit: 40 });
      feedMix(limiter, 2, true);
      // The last window: 11 of 20 from the 100 ms endpoint.
      expect(limiter.baselineRttMs).toBe(100);
      feedMix(limiter, 1, true);
      expect(limiter.baselineRttMs).toBe(3);
    });
  });

  describe('probe', () => {
    it('when the baseline was not confirmed for probeIntervalMs, lowers the limit, measures the no-load RTT and restores it', () => {
      const publish = jest.fn(() => Promise.resolve());
      const limiter = adaptive({
        initialLimit: 20,
        probeIntervalMs: 10_000,
        smoothing: 1,
        bus: { publish },
      });
      feedWindow(limiter, 40, 10, 1_000, 20);
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

    it('measures each endpoint it reaches afresh, with 3 samples of each at least', () => {
      const limiter = adaptive({ initialLimit: 20, probeIntervalMs: 10_000 });
      for (let w = 0; w < 12 && !limiter.probing; w++) {
        jest.advanceTimersByTime(1_000);
        // After the first window, 14 ms: within the tolerance, but it does not confirm the 10 ms baseline.
        const rttMs = w === 0 ? 10 : 14;
        for (let i = 0; i < 10; i++) limiter.onSample({ rttMs, inflight: 20, endpoint: i < 5 ? 'a' : 'b' });
      }
      expect(limiter.probing).toBe(true);
      const probeLimit = limiter.limit;
      // Both endpoints got slower for good: a 40 ms and an 80 ms one. Nine samples of 'a' and one of 'b' are not enough.
      for (let i = 0; i < 9; i++) limiter.onSample({ rttMs: 40, inflight: probeLimit, endpoint: 'a' });
      limiter.onSample({ rttMs: 80, inflight: probeLimit, endpoint: 'b' });
      expect(limiter.probing).toBe(true);
      limiter.onSample({ rttMs: 80, inflight: probeLimit, endpoint: 'b' });
      limiter.onSample({ rttMs: 80, inflight: probeLimit, endpoint: 'b' });
      expect(limiter.probing).toBe(false);
      // Each is read against its new baseline: 40 and 80 ms at any load is no congestion.
      for (let w = 0; w < 3; w++) {
        jest.advanceTimersByTime(1_000);
        for (let i = 0; i < 10; i++)
          limiter.onSample({ rttMs: i < 5 ? 40 : 80, inflight: limiter.limit, endpoint: i < 5 ? 'a' : 'b' });
      }
      expect(limiter.maxQueueWaitMs).toBeUndefined();
      expect(limiter.limit).toBeGreaterThanOrEqual(20);
    });
  });

  describe('.update()', () => {
    it('when valid, applies the new bounds and keeps the learned limit within them', () => {
      const limiter = adaptive({ initialLimit: 20 });
      limiter.update({ initialLimit: 10, maxLimit: 12, smoothing: 0.5 });
      expect(limiter.limit).toBe(12);
      expect(limiter.options).toMatchObject({ maxLimit: 12, smoothing: 0.5, minLimit: 1, initialLimit: 10 });
    });

    it('when invalid, throws a ConfigError naming the field and keeps the old settings', () => {
      const limiter = adaptive({ initialLimit: 20 });
      expect(() => limiter.update({ smoothing: 0 })).toThrow(
        /adaptiveConcurrency\.smoothing: expected number > 0, received 0 \(number\)/,
      );
      expect(limiter.options.smoothing).toBe(0.2);
      expect(limiter.limit).toBe(20);
    });

    it('stays within min and max', () => {
      const limiter = adaptive({
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
