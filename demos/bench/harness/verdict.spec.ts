import { judgeRatio, ratioVerdict, roundsVerdict } from './verdict';

/** A ratio whose paired range is [min, max] and whose median's interval is narrower. */
const range = (min: number, max: number) => ({
  median: (min + max) / 2,
  low: min + (max - min) / 4,
  high: max - (max - min) / 4,
  confidence: 0.96,
  min,
  max,
  pairs: 40,
});

describe(judgeRatio, () => {
  it('is met when the whole paired range lies on the target side, not met when wholly off it (the interval is not read)', () => {
    expect(judgeRatio(range(1.1, 1.5), { op: '≥', value: 1 })).toBe('met');
    expect(judgeRatio(range(0.5, 0.9), { op: '≥', value: 1 })).toBe('not met');
    expect(judgeRatio(range(0.9, 1.0), { op: '≤', value: 1.02 })).toBe('met');
    // The median's interval lies above 1, the range reaches below it.
    expect(judgeRatio({ ...range(0.95, 1.5), low: 1.1, high: 1.3 }, { op: '≥', value: 1 })).toBe(
      'within noise',
    );
  });

  it("reads '<' strictly: a range that reaches the value is not wholly below it", () => {
    expect(judgeRatio(range(0.8, 0.99), { op: '<', value: 1 })).toBe('met');
    expect(judgeRatio(range(0.9, 1), { op: '<', value: 1 })).toBe('within noise');
    expect(judgeRatio(range(0.9, 1), { op: '≤', value: 1 })).toBe('met');
    expect(judgeRatio(range(1, 1.2), { op: '<', value: 1 })).toBe('not met');
  });

  it('is within noise when the range straddles the target, or nothing was paired', () => {
    expect(judgeRatio(range(0.46, 1.9), { op: '≥', value: 0.85 })).toBe('within noise');
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
    const r = { median: 1.3, low: 1.2, high: 1.4, confidence: 0.96, min: 1.1, max: 1.5, pairs: 40 };
    expect(ratioVerdict('x', r, { op: '≥', value: 1 })).toBe(
      'target x ≥ 1: median 1.3 of 40 paired ratios (96 % CI 1.2–1.4, range 1.1–1.5): met',
    );
    expect(
      ratioVerdict('x', { ...r, min: 0.9, rounds: { low: 1.1, high: 1.2 } }, { op: '≥', value: 1 }),
    ).toBe(
      "target x ≥ 1: median 1.3 of 40 paired ratios (96 % CI 1.2–1.4, range 0.9–1.5, rounds' medians 1.1–1.2): within noise",
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
