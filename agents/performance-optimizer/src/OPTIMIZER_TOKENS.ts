/** Container identifiers of the PerformanceOptimizer package (package-local, `Symbol.for` like the contracts' `TOKENS`). */
export const OPTIMIZER_TOKENS = {
  /** The `OptimizerOptions` the agent and its rules are built with. */
  Options: Symbol.for('slipstream.agent.optimizer.Options'),
  /** The `OptimizerRule[]` the controller asks, in order. */
  Rules: Symbol.for('slipstream.agent.optimizer.Rules'),
  /** The `PerformanceOptimizerAgent`, a singleton. */
  Agent: Symbol.for('slipstream.agent.optimizer.Agent'),
} as const;
