import { SlidingRate } from './SlidingRate';

describe(SlidingRate, () => {
  describe('.add()', () => {
    it('when events land in the same slot, does not prune on every event (regression)', () => {
      const rate = new SlidingRate(1_000, 0);
      const prune = jest.spyOn(rate as unknown as { prune(now: number): void }, 'prune');
      for (let i = 0; i < 100; i++) rate.add(10);
      expect(prune).toHaveBeenCalledTimes(1);
      rate.add(60);
      expect(prune).toHaveBeenCalledTimes(2);
    });

    it('when slots expire, drops them once a later slot is reached', () => {
      const rate = new SlidingRate(1_000, 0);
      rate.add(0);
      rate.add(500);
      rate.add(2_500);
      expect(rate.slotCount).toBe(1);
    });
  });

  describe('.setWindow()', () => {
    it('when the window grows, slots of the old length do not linger (regression)', () => {
      const rate = new SlidingRate(1_000, 0);
      for (let t = 0; t < 1_000; t += 10) rate.add(t);
      rate.setWindow(10_000, 1_000);
      rate.add(50_000);
      expect(rate.slotCount).toBe(1);
      expect(rate.perSecond(50_000)).toBeCloseTo(1 / 10, 9);
    });

    it('when the length in force is set again, keeps the counts', () => {
      const rate = new SlidingRate(1_000, 0);
      rate.add(100, 5);
      rate.setWindow(1_000, 200);
      expect(rate.perSecond(500)).toBeCloseTo(10, 9);
    });
  });
});
