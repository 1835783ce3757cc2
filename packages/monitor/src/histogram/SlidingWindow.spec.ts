import { ConfigError } from '@slipstream/contracts';
import { ERROR_KIND_INDEX, OUTCOME_KIND_INDEX } from '../registry/ErrorKind';
import { SlidingWindow } from './SlidingWindow';

describe('SlidingWindow', () => {
  describe('.totals()', () => {
    it('when requests age past the window, drops them slot by slot', () => {
      const window = new SlidingWindow(0, { windowMs: 60_000, slots: 6 });
      window.record(1_000, 5, -1);
      window.record(15_000, 50, ERROR_KIND_INDEX.timeout, OUTCOME_KIND_INDEX.upstream_failure);
      expect(window.totals(20_000).requests).toBe(2);
      expect(window.totals(20_000).errors).toBe(1);
      // at 61 s the first slot (0–10 s) has left the window
      const later = window.totals(61_000);
      expect(later.requests).toBe(1);
      expect(later.errorsByKind[ERROR_KIND_INDEX.timeout]).toBe(1);
      expect(later.latency.max).toBe(50);
      expect(window.totals(200_000).requests).toBe(0);
    });

    it('when young, covers only the time since creation', () => {
      const window = new SlidingWindow(1_000, { windowMs: 60_000 });
      expect(window.totals(3_000).durationMs).toBe(2_000);
      expect(window.totals(500_000).durationMs).toBeLessThanOrEqual(60_000);
    });
  });

  describe('.reset()', () => {
    it('when given a new length, drops what was recorded and slides over the new length', () => {
      const window = new SlidingWindow(0, { windowMs: 60_000, slots: 6 });
      window.record(1_000, 5, -1);
      window.reset(2_000, 6_000);
      expect(window.windowMs).toBe(6_000);
      expect(window.totals(2_000).requests).toBe(0);
      window.record(3_000, 5, -1);
      expect(window.totals(4_000)).toMatchObject({ requests: 1, durationMs: 2_000 });
      expect(window.totals(10_000).requests).toBe(0);
    });

    it('when the length is invalid, throws a ConfigError and keeps the window', () => {
      const window = new SlidingWindow(0, { windowMs: 60_000 });
      window.record(1_000, 5, -1);
      expect(() => window.reset(2_000, 0)).toThrow(/windowMs/);
      expect(window.windowMs).toBe(60_000);
      expect(window.totals(2_000).requests).toBe(1);
    });
  });

  describe('constructor', () => {
    it('when the window or the slots are invalid, throws a ConfigError naming the field', () => {
      expect(() => new SlidingWindow(0, { windowMs: 0 })).toThrow(ConfigError);
      expect(() => new SlidingWindow(0, { slots: 1.5 })).toThrow(/slots/);
    });
  });
});
