import { ConfigError } from '@slipstream/contracts';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { coreConfigSchema, type CoreConfig } from './coreConfigSchema';
import { parseConfig } from '@slipstream/config';

/**
 * Reads a config file, YAML (`.yaml`, `.yml`) or JSON (any other name), and validates it against
 * `schema` (defaults to `coreConfigSchema`). An unreadable file or a syntax error is a
 * `ConfigError` too.
 */
export async function loadConfigFile(file: string): Promise<CoreConfig>;
export async function loadConfigFile<T>(file: string, schema: z.ZodType<T>): Promise<T>;
export async function loadConfigFile(file: string, schema: z.ZodType = coreConfigSchema): Promise<unknown> {
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
  const yaml = /^\.ya?ml$/i.test(extname(file));
  let input: unknown;
  try {
    input = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    const kind = yaml ? 'YAML' : 'JSON';
    throw new ConfigError([{ path: '', expected: `${kind} in ${file}`, received: (err as Error).message }], {
      cause: err,
    });
  }
  return parseConfig(schema, input);
}
