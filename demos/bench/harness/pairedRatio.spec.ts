import { describePairedRatio, pairedRatio } from './pairedRatio';

describe('pairedRatio()', () => {
  it('divides the i-th runs of each side and reports the median and range of those ratios', () => {
    const candidate = [{ v: 90 }, { v: 50 }, { v: 99 }];
    const baseline = [{ v: 100 }, { v: 50 }, { v: 110 }];
    expect(pairedRatio(candidate, baseline, (r) => r.v)).toEqual({
      median: 0.9,
      low: 0.9,
      high: 1,
      confidence: 0.75,
      verdictLow: 0.9,
      verdictHigh: 1,
      min: 0.9,
      max: 1,
      pairs: 3,
    });
  });

  it('when load drifts over the rounds, pairs runs made back to back instead of comparing medians', () => {
    // The machine got twice as fast after round 2 (its round-3 candidate run still fell in the
    // slow phase); the candidate always costs 5 %. Medians alone would read 95 ÷ 200.
    const baseline = [100, 100, 200, 200, 200].map((v) => ({ v }));
    const candidate = [95, 95, 95, 190, 190].map((v) => ({ v }));
    expect(pairedRatio(candidate, baseline, (r) => r.v)).toEqual({
      median: 0.95,
      low: 0.475,
      high: 0.95,
      confidence: 0.938,
      verdictLow: 0.475,
      verdictHigh: 0.95,
      min: 0.475,
      max: 0.95,
      pairs: 5,
    });
  });

  it('ignores entries only one side has and pairs with an empty side, and reports zeros without any', () => {
    expect(pairedRatio([{ v: 1 }, { v: 0 }], [{ v: 2 }, { v: 5 }], (r) => r.v)).toMatchObject({ pairs: 1 });
    expect(pairedRatio([{ v: 1 }, { v: 2 }], [{ v: 1 }], (r) => r.v).pairs).toBe(1);
    expect(pairedRatio([], [], (r: { v: number }) => r.v)).toEqual({
      median: 0,
      low: 0,
      high: 0,
      confidence: 0,
      verdictLow: 0,
      verdictHigh: 0,
      min: 0,
      max: 0,
      pairs: 0,
    });
  });
});

describe('describePairedRatio()', () => {
  it("names the ratio, its median, the median's interval and the range", () => {
    const r = {
      median: 0.98,
      low: 0.96,
      high: 1,
      confidence: 0.959,
      verdictLow: 0.93,
      verdictHigh: 1.04,
      min: 0.9,
      max: 1.07,
      pairs: 40,
    };
    expect(describePairedRatio('x', r)).toBe(
      'x: median of 40 paired ratios 0.98 (95 % CI 0.96–1, 99.9 % 0.93–1.04, range 0.9–1.07)',
    );
  });
});
