import { PerformanceOptimizerAgent } from '@slipstream/agent-performance-optimizer';
import { SarahAgent } from '@slipstream/agent-sarah';
import type { AgentsSection } from '@slipstream/config';
import { ConfigError, type Agent } from '@slipstream/contracts';

/** How each agent the `agents` section may name is built from its options. */
const BUILDERS: { [K in keyof AgentsSection]-?: (options: NonNullable<AgentsSection[K]>) => Agent } = {
  sarah: (options) => new SarahAgent(options),
  'performance-optimizer': (options) => new PerformanceOptimizerAgent(options),
};

/**
 * The agents a config file's `agents` section names, built from their options (not started), in
 * the section's order, for `slipstream run` and `slipstream sidecar` to register beside the
 * sidecar. Throws a `ConfigError` whose paths start with `agents.<name>.` when an agent refuses
 * its options.
 */
export function configuredAgents(section: AgentsSection): Agent[] {
  return (Object.keys(section) as (keyof AgentsSection)[]).flatMap((key) => {
    const options = section[key];
    if (options === undefined) return [];
    try {
      return [(BUILDERS[key] as (o: typeof options) => Agent)(options)];
    } catch (err) {
      if (!ConfigError.is(err)) throw err;
      throw new ConfigError(
        err.issues.map((issue) => ({ ...issue, path: `agents.${key}.${issue.path}` })),
        { cause: err },
      );
    }
  });
}
