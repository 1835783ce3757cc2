import { ratioSummary } from './pairedRatio';
import { judgeRatio, ratioVerdict, roundsVerdict } from './verdict';

/** A ratio whose verdict interval is [low, high], inside a wider paired range and around a narrower 95 % CI. */
const verdictInterval = (low: number, high: number) => ({
  median: (low + high) / 2,
  low: low + 0.01,
  high: high - 0.01,
  confidence: 0.96,
  verdictLow: low,
  verdictHigh: high,
  min: low - 0.3,
  max: high + 0.3,
  pairs: 40,
});

describe(judgeRatio, () => {
  it("is met when the median's whole 99.9 % interval lies on the target side, not met when wholly off it", () => {
    expect(judgeRatio(verdictInterval(1.1, 1.5), { op: '≥', value: 1 })).toBe('met');
    expect(judgeRatio(verdictInterval(0.5, 0.9), { op: '≥', value: 1 })).toBe('not met');
    expect(judgeRatio(verdictInterval(0.9, 1.0), { op: '≤', value: 1.02 })).toBe('met');
  });

  it('regression (issue 14): one or two outlying pairs among 20 do not decide; three do', () => {
    const ratios = [
      1.4, 1.38, 1.42, 1.45, 1.39, 1.41, 1.43, 1.37, 1.44, 1.4, 1.36, 1.46, 1.42, 1.39, 1.41, 1.4,
    ];
    const target = { op: '≤', value: 1.2 } as const;
    expect(judgeRatio(ratioSummary([...ratios, 1.5, 1.45, 1.11, 1.01]), target)).toBe('not met');
    expect(judgeRatio(ratioSummary([...ratios, 1.5, 1.15, 1.11, 1.01]), target)).toBe('within noise');
  });

  it("is within noise when the rounds' medians straddle the target though the pairs' interval does not", () => {
    const drifting = { ...verdictInterval(0.9, 0.95), rounds: { low: 0.88, high: 1.05 } };
    expect(judgeRatio(drifting, { op: '≤', value: 1.02 })).toBe('within noise');
    expect(judgeRatio(drifting, { op: '≥', value: 0.85 })).toBe('met');
    expect(
      judgeRatio({ ...verdictInterval(0.6, 0.7), rounds: { low: 0.5, high: 0.8 } }, { op: '≥', value: 0.9 }),
    ).toBe('not met');
  });

  it("reads '<' strictly: an interval that reaches the value is not wholly below it", () => {
    expect(judgeRatio(verdictInterval(0.8, 0.99), { op: '<', value: 1 })).toBe('met');
    expect(judgeRatio(verdictInterval(0.9, 1), { op: '<', value: 1 })).toBe('within noise');
    expect(judgeRatio(verdictInterval(0.9, 1), { op: '≤', value: 1 })).toBe('met');
    expect(judgeRatio(verdictInterval(1, 1.2), { op: '<', value: 1 })).toBe('not met');
  });

  it('is within noise when the interval straddles the target, or nothing was paired', () => {
    expect(judgeRatio(verdictInterval(0.46, 1.9), { op: '≥', value: 0.85 })).toBe('within noise');
    expect(judgeRatio(ratioSummary([]), { op: '≤', value: 1 })).toBe('within noise');
  });

  it('with 11 pairs or fewer, reads the paired range', () => {
    const r = ratioSummary([1.3, 1.4, 1.35, 1.1, 1.45, 1.38, 1.33, 1.41, 1.36, 1.39, 1.37]);
    expect([r.verdictLow, r.verdictHigh]).toEqual([r.min, r.max]);
    expect(judgeRatio(r, { op: '≥', value: 1.2 })).toBe('within noise');
  });
});

describe(ratioVerdict, () => {
  it("prints the target, the median, its intervals, the range, the rounds' medians and the verdict", () => {
    const r = { ...verdictInterval(1.1, 1.5), median: 1.3, rounds: { low: 1.2, high: 1.4 } };
    expect(ratioVerdict('x', r, { op: '≥', value: 1 })).toBe(
      "target x ≥ 1: median 1.3 of 40 paired ratios (96 % CI 1.11–1.49, 99.9 % 1.1–1.5, range 0.8–1.8, rounds' medians 1.2–1.4): met",
    );
    expect(ratioVerdict('x', { ...r, rounds: { low: 0.9, high: 1.4 } }, { op: '≥', value: 1 })).toMatch(
      /: within noise$/,
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
      'target x/s ≥ 1000000: median 1200000 of 5 rounds (93 % CI 1050000–1300000, 99.9 % 1050000–1300000, range 1050000–1300000): met',
    );
    expect(roundsVerdict('x/s', [1_200_000, 950_000, 1_300_000], { op: '≥', value: 1_000_000 })).toMatch(
      /: within noise$/,
    );
    expect(roundsVerdict('x/s', [900_000, 950_000, 800_000], { op: '≥', value: 1_000_000 })).toMatch(
      /: not met$/,
    );
  });
});
