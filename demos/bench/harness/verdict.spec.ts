import { judgeRatio, ratioVerdict } from './verdict';

const range = (min: number, max: number) => ({ median: (min + max) / 2, min, max, pairs: 8 });

describe(judgeRatio, () => {
  it('is met when the whole paired range lies on the target side, not met when wholly off it', () => {
    expect(judgeRatio(range(1.1, 1.5), { op: '≥', value: 1 })).toBe('met');
    expect(judgeRatio(range(0.5, 0.9), { op: '≥', value: 1 })).toBe('not met');
    expect(judgeRatio(range(0.9, 1.0), { op: '≤', value: 1.02 })).toBe('met');
  });

  it('is within noise when the range straddles the target, or nothing was paired', () => {
    expect(judgeRatio(range(0.46, 1.9), { op: '≥', value: 0.85 })).toBe('within noise');
    expect(judgeRatio({ median: 0, min: 0, max: 0, pairs: 0 }, { op: '≤', value: 1 })).toBe('within noise');
  });
});

describe(ratioVerdict, () => {
  it('prints the target, the median, the range and the verdict', () => {
    expect(ratioVerdict('x', range(1.1, 1.3), { op: '≥', value: 1 })).toBe(
      'target x ≥ 1: median 1.2000000000000002 of 8 paired ratios (range 1.1–1.3): met',
    );
  });
});
