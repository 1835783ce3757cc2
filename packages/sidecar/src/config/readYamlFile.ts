import { ConfigError } from '@slipstream/contracts';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/**
 * Reads a YAML file (or JSON, which is YAML too) and parses it, unvalidated. An unreadable file
 * or a syntax error is a `ConfigError` naming the file.
 */
export async function readYamlFile(file: string): Promise<unknown> {
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
  try {
    return parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(
      [{ path: '', expected: `YAML or JSON in ${file}`, received: (err as Error).message }],
      {
        cause: err,
      },
    );
  }
}
