import { readConfigFile } from '@slipstream/agent-network-performance';
import type { SidecarConfig } from './SidecarConfig';

/**
 * Reads the sidecar's config file (YAML or JSON) and validates it as every command does
 * (`readConfigFile`). An unreadable file or a syntax error is a `ConfigError` naming the file.
 */
export function loadSidecarConfig(file: string): Promise<SidecarConfig> {
  return readConfigFile(file);
}
