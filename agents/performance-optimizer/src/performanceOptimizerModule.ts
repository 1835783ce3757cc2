import { ContainerModule } from 'inversify';
import { OPTIMIZER_TOKENS } from './OPTIMIZER_TOKENS';
import type { OptimizerOptions } from './OptimizerOptions';
import { PerformanceOptimizerAgent } from './PerformanceOptimizerAgent';
import { defaultRules } from './rules/defaultRules';

/**
 * The optimizer's `ContainerModule`: binds `OPTIMIZER_TOKENS.Options` to `options`,
 * `OPTIMIZER_TOKENS.Rules` to the documented rules bounded by them (`defaultRules(options)`) and
 * `OPTIMIZER_TOKENS.Agent` to a singleton `PerformanceOptimizerAgent` built from both; register
 * `container.get(OPTIMIZER_TOKENS.Agent)` with the orchestrator. The controller is built when the
 * agent starts, on the bus and logger of its `AgentContext`. Invalid options throw a `ConfigError`
 * when the agent is resolved.
 */
export function performanceOptimizerModule(options: OptimizerOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(OPTIMIZER_TOKENS.Options).toConstantValue(options);
    bind(OPTIMIZER_TOKENS.Rules).toConstantValue(defaultRules(options));
    bind(OPTIMIZER_TOKENS.Agent).to(PerformanceOptimizerAgent).inSingletonScope();
  });
}
