import { readYamlFile } from './readYamlFile';
import { parseSidecarConfig, type SidecarConfig } from './SidecarConfig';

/**
 * Reads the sidecar's config file (YAML, or JSON, which is YAML too) and validates it with
 * `parseSidecarConfig`. An unreadable file or a syntax error is a `ConfigError` naming the file.
 */
export async function loadSidecarConfig(file: string): Promise<SidecarConfig> {
  return parseSidecarConfig(await readYamlFile(file));
}
