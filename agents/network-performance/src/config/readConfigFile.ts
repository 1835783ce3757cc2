import { loadConfigFile } from '@slipstream/core';
import { z } from 'zod';
import { validateSystemConfig, type ValidatedSystemConfig } from './validateSystemConfig';

/**
 * Reads and validates a config file (YAML or JSON, by extension; core's `loadConfigFile`).
 * Throws a `ConfigError`: for an unreadable file, a syntax error, or every problem
 * `validateSystemConfig` finds.
 */
export async function readConfigFile(file: string): Promise<ValidatedSystemConfig> {
  return validateSystemConfig(await loadConfigFile(file, z.unknown()));
}
