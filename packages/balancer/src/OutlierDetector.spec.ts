import { EndpointState } from './EndpointState';
import { OutlierDetector } from './OutlierDetector';

function fail(endpoint: EndpointState, times: number): void {
  for (let i = 0; i < times; i++) endpoint.end({ rttMs: 1, effect: 'failure' }, 0);
}

describe(OutlierDetector, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  describe('.record()', () => {
    it('when an endpoint is ejected again, stays out base × n, capped at maxEjectionMs', () => {
      const durations: number[] = [];
      const e = new EndpointState('http://a:1');
      const all = [e, new EndpointState('http://b:1')];
      const detector = new OutlierDetector(
        { consecutiveFailures: 2, baseEjectionMs: 1_000, maxEjectionMs: 2_500 },
        { onEjected: (_e, ms) => durations.push(ms) },
      );
      for (let round = 0; round < 3; round++) {
        fail(e, 2);
        detector.record(e, all);
        expect(e.ejected).toBe(true);
        jest.advanceTimersByTime(durations[round]! - 1);
        expect(e.ejected).toBe(true);
        jest.advanceTimersByTime(1);
        expect(e.ejected).toBe(false);
      }
      expect(durations).toEqual([1_000, 2_000, 2_500]);
      detector.close();
    });

    it('when an endpoint stays in rotation after an ejection, its multiplier drops by one per decay period (Envoy)', () => {
      const durations: number[] = [];
      const e = new EndpointState('http://a:1');
      const all = [e, new EndpointState('http://b:1')];
      const detector = new OutlierDetector(
        { consecutiveFailures: 1, baseEjectionMs: 1_000, multiplierDecayMs: 5_000 },
        { onEjected: (_e, ms) => durations.push(ms) },
      );
      const ejectAndWait = (): void => {
        fail(e, 1);
        detector.record(e, all);
        jest.advanceTimersByTime(durations.at(-1)!);
      };
      ejectAndWait();
      ejectAndWait();
      ejectAndWait();
      expect(detector.multiplier(e.origin)).toBe(3);
      jest.advanceTimersByTime(4_999);
      expect(detector.multiplier(e.origin)).toBe(3);
      jest.advanceTimersByTime(1);
      expect(detector.multiplier(e.origin)).toBe(2);
      jest.advanceTimersByTime(60_000);
      expect(detector.multiplier(e.origin)).toBe(0);
      ejectAndWait();
      expect(durations).toEqual([1_000, 2_000, 3_000, 1_000]);
      detector.close();
    });

    it('when failures are not consecutive, does not eject', () => {
      const e = new EndpointState('http://a:1');
      const detector = new OutlierDetector({ consecutiveFailures: 3 });
      fail(e, 2);
      e.end({ rttMs: 1, effect: 'success' }, 0);
      fail(e, 2);
      detector.record(e, [e]);
      expect(e.ejected).toBe(false);
    });
  });
});
