import { computeHealthScore } from './computeHealthScore';

const base = { requests: 100, errors: 0, latencyP99Ms: 100, sloLatencyMs: 250, saturation: 0 };

describe('computeHealthScore', () => {
  it('when there is no traffic, scores 100 with availability 1', () => {
    expect(computeHealthScore({ ...base, requests: 0, latencyP99Ms: 0 })).toEqual({
      score: 100,
      availability: 1,
      latencyP99Ms: 0,
      sloLatencyMs: 250,
      saturation: 0,
    });
  });

  it('costs 2 points per percentage point of errors: 98 at 1 %, 80 at 10 %, 20 at 40 %, 0 from 50 % on', () => {
    const at = (errors: number) => computeHealthScore({ ...base, errors }).score;
    expect([at(1), at(10), at(40), at(50), at(90)]).toEqual([98, 80, 20, 0, 0]);
  });

  it('when p99 is twice the SLO, halves the score', () => {
    expect(computeHealthScore({ ...base, latencyP99Ms: 500 }).score).toBe(50);
  });

  it('when saturation is full, halves the score; at 80 % leaves it', () => {
    expect(computeHealthScore({ ...base, saturation: 1 }).score).toBe(50);
    expect(computeHealthScore({ ...base, saturation: 0.8 }).score).toBe(100);
  });

  it('when any input worsens, never rises', () => {
    let previous = Infinity;
    for (let errors = 0; errors <= 100; errors += 5) {
      const { score } = computeHealthScore({ ...base, errors, latencyP99Ms: 250 + errors * 10 });
      expect(score).toBeLessThanOrEqual(previous);
      previous = score;
    }
  });
});
