/** Container identifier of the `NetworkPerformanceAgentOptions` (package-local). */
export const NETWORK_PERFORMANCE_OPTIONS: unique symbol = Symbol.for(
  'slipstream.agent.NetworkPerformanceOptions',
);
