import { median, percentileOfSorted, ratio, summarize } from './summarize';

describe('summarize()', () => {
  it('computes nearest-rank percentiles over the raw samples', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1..1000, unsorted
    const s = summarize(samples);
    expect(s).toMatchObject({ count: 1000, p50: 500, p90: 900, p99: 990, p999: 999, max: 1000 });
    expect(s.mean).toBeCloseTo(500.5);
  });

  it('when there are no samples, reports zeros', () => {
    expect(summarize([])).toMatchObject({ count: 0, mean: 0, p99: 0, max: 0 });
    expect(percentileOfSorted([], 50)).toBe(0);
  });
});

describe('median()', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('ratio()', () => {
  it('divides candidate by baseline, and is 0 for a zero baseline', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBe(0);
  });
});
