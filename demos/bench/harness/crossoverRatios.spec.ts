import { crossoverRatios } from './crossoverRatios';

const blocks = (...values: number[]): { v: number }[] => values.map((v) => ({ v }));

describe('crossoverRatios()', () => {
  it('when the variant that runs second is always 20 % slower, pairs mirrored turns so the order cancels', () => {
    // Turn 0 runs the candidate first, turn 1 the baseline first; both variants truly cost the same.
    const candidate = blocks(100, 80, 100, 80);
    const baseline = blocks(80, 100, 80, 100);
    expect(crossoverRatios(candidate, baseline, (b) => b.v)).toEqual([1, 1]);
  });

  it('keeps a true difference: the geometric mean of the two turns', () => {
    expect(crossoverRatios(blocks(90, 40), blocks(100, 50), (b) => b.v)[0]).toBeCloseTo(
      Math.sqrt(0.9 * 0.8),
      12,
    );
  });

  it('leaves out a pair with a block cut short or missing, and an unpaired last turn', () => {
    expect(crossoverRatios(blocks(1, 0, 1, 1, 1), blocks(1, 1, 2, 2, 1), (b) => b.v)).toEqual([0.5]);
    expect(crossoverRatios(blocks(1, 1, 1), blocks(1), (b) => b.v)).toEqual([]);
  });
});
