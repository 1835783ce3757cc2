import { ConfigError } from '@slipstream/contracts';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { parseSidecarConfig, type SidecarConfig } from './SidecarConfig';

/**
 * Reads the sidecar's config file (YAML, or JSON, which is YAML too) and validates it with
 * `parseSidecarConfig`. An unreadable file or a syntax error is a `ConfigError` naming the file.
 */
export async function loadSidecarConfig(file: string): Promise<SidecarConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ConfigError(
      [{ path: '', expected: `a readable file at ${file}`, received: String(code ?? err) }],
      {
        cause: err,
      },
    );
  }
  let input: unknown;
  try {
    input = parse(text);
  } catch (err) {
    throw new ConfigError(
      [{ path: '', expected: `YAML or JSON in ${file}`, received: (err as Error).message }],
      {
        cause: err,
      },
    );
  }
  return parseSidecarConfig(input);
}
