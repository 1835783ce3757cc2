import { createPrng } from './createPrng';
import { sampleLatency } from './sampleLatency';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe(sampleLatency, () => {
  const draw = (spec: Parameters<typeof sampleLatency>[0], n = 5_000) => {
    const random = createPrng(1);
    return Array.from({ length: n }, () => sampleLatency(spec, random));
  };

  it('when the spec is a number or absent, returns it or 0', () => {
    expect(sampleLatency(25, createPrng(1))).toBe(25);
    expect(sampleLatency(undefined, createPrng(1))).toBe(0);
  });

  it('when uniform, stays within [min, max)', () => {
    const xs = draw({ distribution: 'uniform', min: 10, max: 20 });

    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...xs)).toBeLessThan(20);
    expect(mean(xs)).toBeCloseTo(15, 0);
  });

  it('when normal, centres on the mean and never goes negative', () => {
    expect(mean(draw({ distribution: 'normal', mean: 100, stddev: 10 }))).toBeCloseTo(100, 0);
    expect(Math.min(...draw({ distribution: 'normal', mean: 1, stddev: 10 }))).toBeGreaterThanOrEqual(0);
  });

  it('when exponential, has the given mean', () => {
    expect(Math.abs(mean(draw({ distribution: 'exponential', mean: 50 })) - 50)).toBeLessThan(3);
  });

  it('for the same seed, draws the same sequence', () => {
    expect(draw({ distribution: 'exponential', mean: 5 }, 10)).toEqual(
      draw({ distribution: 'exponential', mean: 5 }, 10),
    );
    expect(createPrng(1)()).not.toBe(createPrng(2)());
  });
});
