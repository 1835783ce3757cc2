import { RateMeter } from './RateMeter';

describe(RateMeter, () => {
  describe('.perMs()', () => {
    it('when nothing was recorded, reads 0', () => {
      expect(new RateMeter(1_000).perMs(5)).toBe(0);
    });

    it('when events come at a steady rate, reads that rate', () => {
      const meter = new RateMeter(1_000);
      for (let t = 0; t <= 10_000; t += 10) meter.record(t);
      expect(meter.perMs(10_000)).toBeCloseTo(0.1, 2);
    });

    it('when events stop, decays with the window as time constant', () => {
      const meter = new RateMeter(1_000);
      for (let t = 0; t <= 10_000; t += 10) meter.record(t);
      const before = meter.perMs(10_000);
      expect(meter.perMs(11_000)).toBeCloseTo(before / Math.E, 6);
    });
  });
});
