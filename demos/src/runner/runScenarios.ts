import type { Scenario, ScenarioContext, ScenarioResult } from './Scenario';

/**
 * Runs `scenarios` one after another. A scenario that throws is reported as failed with its
 * error; the others still run. Stops starting new ones once `ctx.signal` is aborted.
 */
export async function runScenarios(
  scenarios: readonly Scenario[],
  ctx: ScenarioContext,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    if (ctx.signal.aborted) break;
    ctx.progress(`[${scenario.id}/10] ${scenario.name}: running`);
    const start = performance.now();
    let result: ScenarioResult;
    try {
      const outcome = await scenario.run(ctx);
      result = { id: scenario.id, name: scenario.name, durationMs: performance.now() - start, ...outcome };
    } catch (err) {
      result = {
        id: scenario.id,
        name: scenario.name,
        durationMs: performance.now() - start,
        baseline: {},
        optimized: {},
        change: {},
        passed: false,
        property: 'the scenario did not complete',
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      };
    }
    ctx.progress(
      `[${scenario.id}/10] ${scenario.name}: ${result.passed ? 'held' : 'FAILED'} in ${(result.durationMs / 1_000).toFixed(1)} s` +
        (result.error ? ` (${result.error})` : ''),
    );
    results.push(result);
  }
  return results;
}
