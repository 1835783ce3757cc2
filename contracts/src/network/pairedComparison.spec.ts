import { comparePaired, learnMargin, ZERO_RATIO_CAP } from './pairedComparison';

describe(comparePaired, () => {
  it('when every pair favours the new settings and the median clears the margin, says improved', () => {
    const c = comparePaired('goodput', 'higher', [10, 10, 10, 10, 10], [12, 13, 11, 12, 14], 0.05);
    expect(c).toMatchObject({ verdict: 'improved', pairs: 5, low: 1.1, high: 1.4 });
    expect(c.median).toBeCloseTo(1.2, 10);
  });

  it('when the paired range straddles 1, says no measurable change', () => {
    expect(comparePaired('goodput', 'higher', [10, 10, 10, 10, 10], [12, 13, 9, 12, 14]).verdict).toBe(
      'no measurable change',
    );
  });

  it('when the median stays inside the learned margin, says no measurable change', () => {
    expect(
      comparePaired('goodput', 'higher', [10, 10, 10, 10, 10], [10.1, 10.2, 10.1, 10.3, 10.2], 0.05).verdict,
    ).toBe('no measurable change');
  });

  it('for a lower-is-better metric, orients the ratios so that > 1 is better, and says worse', () => {
    const c = comparePaired('latencyMs', 'lower', [10, 10, 10, 10, 10], [20, 20, 20, 20, 20]);
    expect(c).toMatchObject({ verdict: 'worse', median: 0.5 });
  });

  it('from 9 pairs on, bounds the median by the second-lowest and second-highest ratio, so one stray pair cannot veto', () => {
    const old = Array.from({ length: 10 }, () => 10);
    const candidate = [0.5, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9].map((r) => 10 * r);
    const c = comparePaired('goodput', 'higher', old, candidate);
    expect(c).toMatchObject({ verdict: 'improved', pairs: 10 });
    expect(c.low).toBeCloseTo(1.1, 10);
    expect(c.high).toBeCloseTo(1.8, 10);
    expect(c.level).toBeCloseTo(1 - 22 / 1024, 10);
    // Two pairs against: 8 of 10 above 1 happens by chance 5.5 % of the time, too often to conclude.
    candidate[1] = 9;
    expect(comparePaired('goodput', 'higher', old, candidate).verdict).toBe('no measurable change');
    // Up to 8 pairs the interval is the whole paired range.
    expect(
      comparePaired('goodput', 'higher', old.slice(0, 8), [5, 11, 12, 13, 14, 15, 16, 17]),
    ).toMatchObject({
      verdict: 'no measurable change',
      low: 0.5,
      level: 1 - 2 / 256,
    });
  });

  it('with fewer than 5 usable pairs, never concludes', () => {
    expect(comparePaired('g', 'higher', [1, 1, 1, 1, Number.NaN], [2, 2, 2, 2, 2]).verdict).toBe(
      'no measurable change',
    );
  });
});

describe('comparePaired with zeros', () => {
  it('when a lower-is-better gauge drops to 0, counts the pair as the capped ratio; 0 and 0 as no change', () => {
    const c = comparePaired('queued', 'lower', [6, 5, 7, 6, 0], [0, 0, 0, 0, 0]);
    expect(c).toMatchObject({ verdict: 'no measurable change', low: 1, high: ZERO_RATIO_CAP });
    expect(comparePaired('queued', 'lower', [6, 5, 7, 6, 4], [0, 0, 0, 0, 0]).verdict).toBe('improved');
  });
});

describe(learnMargin, () => {
  it('is the largest drift between paired A/A blocks, either way', () => {
    expect(learnMargin([10, 11, 10, 8, 10])).toBeCloseTo(0.25, 10);
    expect(learnMargin([10])).toBe(0);
  });
});
