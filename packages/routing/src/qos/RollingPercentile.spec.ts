import { RollingPercentile } from './RollingPercentile';

describe(RollingPercentile, () => {
  describe('.quantile()', () => {
    it('when empty, returns 0', () => {
      expect(new RollingPercentile().quantile(0.99)).toBe(0);
    });

    it('returns the nearest-rank quantile of the last samples only', () => {
      const p = new RollingPercentile(100);
      for (let i = 1; i <= 100; i++) p.add(i);
      expect(p.quantile(0.99)).toBe(99);
      expect(p.quantile(0.5)).toBe(50);
      for (let i = 0; i < 100; i++) p.add(1_000);
      expect(p.quantile(0.5)).toBe(1_000);
    });
  });
});
