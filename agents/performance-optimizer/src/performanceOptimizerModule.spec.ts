import { ConfigError } from '@slipstream/contracts';
import { Container } from 'inversify';
import { OPTIMIZER_TOKENS } from './OPTIMIZER_TOKENS';
import { PerformanceOptimizerAgent } from './PerformanceOptimizerAgent';
import { performanceOptimizerModule } from './performanceOptimizerModule';
import type { OptimizerRule } from './rules/OptimizerRule';

describe(performanceOptimizerModule, () => {
  it('when loaded, binds the options, the five rules and one agent', async () => {
    const container = new Container();
    await container.load(performanceOptimizerModule({ cooldownMs: 5_000 }));
    const agent = container.get<PerformanceOptimizerAgent>(OPTIMIZER_TOKENS.Agent);
    expect(agent).toBeInstanceOf(PerformanceOptimizerAgent);
    expect(container.get(OPTIMIZER_TOKENS.Agent)).toBe(agent);
    expect(container.get(OPTIMIZER_TOKENS.Options)).toEqual({ cooldownMs: 5_000 });
    expect(container.get<OptimizerRule[]>(OPTIMIZER_TOKENS.Rules).map((r) => r.name)).toEqual([
      'pool-size',
      'keep-alive',
      'batch-window',
      'lb-algorithm',
      'breaker-flap',
    ]);
  });

  it('when the options are invalid, resolving the agent throws a ConfigError naming the field', async () => {
    const container = new Container();
    await container.load(performanceOptimizerModule({ maxConnections: 0 }));
    expect(() => container.get(OPTIMIZER_TOKENS.Agent)).toThrow(ConfigError);
    expect(() => container.get(OPTIMIZER_TOKENS.Agent)).toThrow(/maxConnections/);
  });
});
