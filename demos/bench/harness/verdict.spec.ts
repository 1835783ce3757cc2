import { judgeRatio, ratioVerdict, roundsVerdict } from './verdict';

/** A ratio whose median's interval is [low, high] and whose paired range is wider. */
const interval = (low: number, high: number) => ({
  median: (low + high) / 2,
  low,
  high,
  confidence: 0.96,
  min: low - 0.3,
  max: high + 0.3,
  pairs: 40,
});

describe(judgeRatio, () => {
  it("is met when the median's whole interval lies on the target side, not met when wholly off it (the range is not read)", () => {
    expect(judgeRatio(interval(1.1, 1.5), { op: '≥', value: 1 })).toBe('met');
    expect(judgeRatio(interval(0.5, 0.9), { op: '≥', value: 1 })).toBe('not met');
    expect(judgeRatio(interval(0.9, 1.0), { op: '≤', value: 1.02 })).toBe('met');
  });

  it("is within noise when the rounds' medians straddle the target though the pairs' interval does not", () => {
    const drifting = { ...interval(0.9, 0.95), rounds: { low: 0.88, high: 1.05 } };
    expect(judgeRatio(drifting, { op: '≤', value: 1.02 })).toBe('within noise');
    expect(judgeRatio(drifting, { op: '≥', value: 0.85 })).toBe('met');
    expect(
      judgeRatio({ ...interval(0.6, 0.7), rounds: { low: 0.5, high: 0.8 } }, { op: '≥', value: 0.9 }),
    ).toBe('not met');
  });

  it("reads '<' strictly: an interval that reaches the value is not wholly below it", () => {
    expect(judgeRatio(interval(0.8, 0.99), { op: '<', value: 1 })).toBe('met');
    expect(judgeRatio(interval(0.9, 1), { op: '<', value: 1 })).toBe('within noise');
    expect(judgeRatio(interval(0.9, 1), { op: '≤', value: 1 })).toBe('met');
    expect(judgeRatio(interval(1, 1.2), { op: '<', value: 1 })).toBe('not met');
  });

  it('is within noise when the interval straddles the target, or nothing was paired', () => {
    expect(judgeRatio(interval(0.46, 1.9), { op: '≥', value: 0.85 })).toBe('within noise');
    expect(
      judgeRatio(
        { median: 0, low: 0, high: 0, confidence: 0, min: 0, max: 0, pairs: 0 },
        { op: '≤', value: 1 },
      ),
    ).toBe('within noise');
  });
});

describe(ratioVerdict, () => {
  it('prints the target, the median, its interval, the range and the verdict', () => {
    expect(ratioVerdict('x', interval(1.1, 1.3), { op: '≥', value: 1 })).toBe(
      'target x ≥ 1: median 1.2000000000000002 of 40 paired ratios (96 % CI 1.1–1.3, range 0.8–1.6): met',
    );
    expect(
      ratioVerdict('x', { ...interval(1.1, 1.3), rounds: { low: 0.9, high: 1.2 } }, { op: '≥', value: 1 }),
    ).toBe(
      "target x ≥ 1: median 1.2000000000000002 of 40 paired ratios (96 % CI 1.1–1.3, range 0.8–1.6, rounds' medians 0.9–1.2): within noise",
    );
  });
});

describe(roundsVerdict, () => {
  it("prints the median of the rounds' values with its interval, and judges it like a paired ratio", () => {
    // Five rounds: too few for 95 %, so the interval is the range (coverage 93 %).
    expect(
      roundsVerdict('x/s', [1_200_000, 1_100_000, 1_300_000, 1_050_000, 1_250_000], {
        op: '≥',
        value: 1_000_000,
      }),
    ).toBe(
      'target x/s ≥ 1000000: median 1200000 of 5 rounds (93 % CI 1050000–1300000, range 1050000–1300000): met',
    );
    expect(roundsVerdict('x/s', [1_200_000, 950_000, 1_300_000], { op: '≥', value: 1_000_000 })).toMatch(
      /: within noise$/,
    );
    expect(roundsVerdict('x/s', [900_000, 950_000, 800_000], { op: '≥', value: 1_000_000 })).toMatch(
      /: not met$/,
    );
  });
});
