import { parseConfig } from '@slipstream/core';
import { resolveAgentOptions, type NetworkPerformanceAgentOptions } from '../NetworkPerformanceAgentOptions';
import { systemConfigSchema, type SystemConfig } from './systemConfigSchema';

/** A validated config file: core's settings and the sidecar's options. */
export interface ValidatedSystemConfig {
  /** Core's sections, defaults applied (the `Orchestrator`'s `config`). */
  core: Omit<SystemConfig, 'network' | '$schema'>;
  /** The sidecar's options as written (the agent fills its own defaults). */
  network: NetworkPerformanceAgentOptions;
}

/**
 * The one validation of a config file's contents, used by `slipstream validate`, at start and on
 * every reload. Throws a `ConfigError` listing every problem with its full path, what was
 * expected and what was received.
 */
export function validateSystemConfig(input: unknown): ValidatedSystemConfig {
  const { network, $schema: _schema, ...core } = parseConfig(systemConfigSchema, input);
  const options = network as unknown as NetworkPerformanceAgentOptions;
  resolveAgentOptions(options);
  return { core, network: options };
}
