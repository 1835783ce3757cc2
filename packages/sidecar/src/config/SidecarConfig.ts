import {
  validateSystemConfig,
  type NetworkPerformanceAgentOptions,
  type SystemConfigInput,
  type ValidatedSystemConfig,
} from '@slipstream/agent-network-performance';

/**
 * The sidecar's config file as written: the one config file of a Slipstream system (core's
 * sections, `network`, and the process's `sidecar` and `fleet` sections), with `network` typed as
 * the NetworkPerformanceAgent's options.
 */
export type SidecarConfigInput = Omit<SystemConfigInput, 'network'> & {
  /** The NetworkPerformanceAgent's options: clusters, routes, classes, pool, batching, breaker, monitoring. Required. */
  network: NetworkPerformanceAgentOptions;
};

/** The sidecar's configuration, validated, with every default applied. */
export type SidecarConfig = ValidatedSystemConfig;

/**
 * The sidecar's validation of its configuration, whether it comes from a file, a reload or code:
 * the config file's own (`validateSystemConfig`, the same `slipstream validate` and `slipstream
 * run` use). Rejects with one `ConfigError` listing every issue with its full dotted path, what
 * was expected and what was received.
 */
export function parseSidecarConfig(input: unknown): Promise<SidecarConfig> {
  return validateSystemConfig(input);
}
