import { CoarseClock } from './CoarseClock';

describe('CoarseClock', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000 }));
  afterEach(() => jest.useRealTimers());

  describe('.now()', () => {
    it('when read within the resolution, reads the source once', () => {
      const source = jest.fn(() => Date.now());
      const clock = new CoarseClock(source, 50);
      expect(clock.now()).toBe(1_000);
      jest.advanceTimersByTime(30);
      expect(clock.now()).toBe(1_000);
      expect(source).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(30);
      expect(clock.now()).toBe(1_060);
      expect(source).toHaveBeenCalledTimes(2);
      clock.close();
      expect(jest.getTimerCount()).toBe(0);
    });

    it('when the resolution is 0, reads the source every time and arms no timer', () => {
      const source = jest.fn(() => Date.now());
      const clock = new CoarseClock(source, 0);
      clock.now();
      clock.now();
      expect(source).toHaveBeenCalledTimes(2);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
