import { describePairedRatio, pairedRatio } from './pairedRatio';

describe('pairedRatio()', () => {
  it('divides the runs of each round and reports the median and range of those ratios', () => {
    const candidate = [{ v: 90 }, { v: 50 }, { v: 99 }];
    const baseline = [{ v: 100 }, { v: 50 }, { v: 110 }];
    expect(pairedRatio(candidate, baseline, (r) => r.v)).toEqual({
      median: 0.9,
      min: 0.9,
      max: 1,
      rounds: 3,
    });
  });

  it('when load drifts over the rounds, pairs runs of the same round instead of comparing medians', () => {
    // The machine got twice as fast after round 2 (its round-3 candidate run still fell in the
    // slow phase); the candidate always costs 5 %. Medians alone would read 95 ÷ 200.
    const baseline = [100, 100, 200, 200, 200].map((v) => ({ v }));
    const candidate = [95, 95, 95, 190, 190].map((v) => ({ v }));
    expect(pairedRatio(candidate, baseline, (r) => r.v)).toEqual({
      median: 0.95,
      min: 0.475,
      max: 0.95,
      rounds: 5,
    });
  });

  it('ignores rounds only one side ran, and reports zeros without any', () => {
    expect(pairedRatio([{ v: 1 }, { v: 2 }], [{ v: 1 }], (r) => r.v).rounds).toBe(1);
    expect(pairedRatio([], [], (r: { v: number }) => r.v)).toEqual({ median: 0, min: 0, max: 0, rounds: 0 });
  });
});

describe('describePairedRatio()', () => {
  it('names the ratio, its median and its range', () => {
    expect(describePairedRatio('x', { median: 0.98, min: 0.95, max: 1.01, rounds: 5 })).toBe(
      'x: median of per-round ratios 0.98 (range 0.95–1.01 over 5 rounds)',
    );
  });
});
