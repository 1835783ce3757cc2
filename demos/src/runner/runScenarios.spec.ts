import type { Scenario, ScenarioContext } from './Scenario';
import { runScenarios } from './runScenarios';
import { formatTable } from './formatTable';

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

describe(formatTable, () => {
  it('prints one row per scenario with its figures and verdict, then the properties', async () => {
    const table = formatTable(await runScenarios([held, throws], ctx()));
    expect(table).toMatch(/^1 \| holds +\| n=1 +\| n=2 +\| n=\+100\.0 % \| held$/m);
    expect(table).toMatch(/^2 \| throws .*\| FAILED$/m);
    expect(table).toContain('1/2 properties held');
    expect(table).toContain('2. the scenario did not complete — error: RangeError: no upstream');
  });
});
