import type { Scenario, ScenarioContext } from './Scenario';
import { runScenarios } from './runScenarios';
import { formatResults } from './formatResults';

const ctx = (signal = new AbortController().signal): ScenarioContext =>
  ({ progress: () => undefined, signal }) as unknown as ScenarioContext;

const held: Scenario = {
  id: 1,
  name: 'holds',
  run: () =>
    Promise.resolve({
      baseline: { n: 1 },
      optimized: { n: 2 },
      change: { n: '+100.0 %' },
      passed: true,
      property: 'n grew',
    }),
};
const throws: Scenario = { id: 2, name: 'throws', run: () => Promise.reject(new RangeError('no upstream')) };

describe(runScenarios, () => {
  describe('when a scenario throws', () => {
    it('reports it failed with its error and still runs the others', async () => {
      const results = await runScenarios([throws, held], ctx());
      expect(results.map((r) => [r.id, r.passed, r.error])).toEqual([
        [2, false, 'RangeError: no upstream'],
        [1, true, undefined],
      ]);
    });
  });

  describe('when the signal is aborted', () => {
    it('starts no scenario', async () => {
      const stop = new AbortController();
      stop.abort();
      expect(await runScenarios([held], ctx(stop.signal))).toEqual([]);
    });
  });
});

describe(formatResults, () => {
  it('prints one block per scenario with its figures and verdict, then the count', async () => {
    const text = formatResults(await runScenarios([held, throws], ctx()));
    expect(text).toMatch(
      /^1\. holds: held in \d+\.\d s\n {3}baseline {3}n=1\n {3}optimized {2}n=2\n {3}change {5}n=\+100\.0 %\n/m,
    );
    expect(text).toMatch(/^2\. throws: FAILED in /m);
    expect(text).toMatch(/^ {3}error {6}RangeError: no upstream$/m);
    expect(text).toContain('1/2 properties held');
  });

  it('fits every line in the width, however long the figures', () => {
    const long = { id: 1, name: 'x', durationMs: 1, passed: true, property: 'p '.repeat(200), change: {} };
    const figures = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`figure${i}`, i * 1.5]));
    const text = formatResults([{ ...long, baseline: figures, optimized: figures }], 100);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});
