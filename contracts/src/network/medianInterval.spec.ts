import { medianInterval } from './medianInterval';

const ascending = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe(medianInterval, () => {
  it('is the range, with its lower coverage, when there are too few values for 95 %', () => {
    // n = 5: [min, max] covers the median with 1 − 2/32.
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual({ low: 1, high: 5, confidence: 1 - 2 / 32 });
  });

  it('takes the order statistics of the sign test: n = 6 → [x1, x6] at 96.9 %, n = 50 → [x18, x33]', () => {
    expect(medianInterval(ascending(6))).toEqual({ low: 1, high: 6, confidence: 1 - 2 / 64 });
    const fifty = medianInterval(ascending(50))!;
    expect([fifty.low, fifty.high]).toEqual([18, 33]);
    expect(fifty.confidence).toBeGreaterThanOrEqual(0.95);
    expect(fifty.confidence).toBeLessThan(0.975);
  });

  it('narrows as values are added where the range only widens', () => {
    const few = medianInterval([0.5, 1.9, 1.0, 1.1, 0.9, 1.05, 0.95])!;
    const many = medianInterval([
      ...Array<number>(40).fill(1.0),
      0.5,
      1.9,
      0.9,
      1.1,
      0.95,
      1.05,
      0.98,
      1.02,
    ])!;
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
    expect(many).toMatchObject({ low: 1, high: 1 });
  });

  it('is undefined for no values', () => {
    expect(medianInterval([])).toBeUndefined();
  });
});
