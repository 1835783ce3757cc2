import { ConfigError } from '@slipstream/contracts';
import { parseConfig } from '@slipstream/core';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The `--config FILE` contents: the real upstreams to send to. */
export interface DemoConfig {
  /** Upstream base URLs, `http(s)://host:port`; at least one. */
  upstreams: string[];
}

const schema = z
  .object({
    upstreams: z.array(z.url({ protocol: /^https?$/ })).min(1),
  })
  .strict();

/** Validates a parsed config object; throws a `ConfigError` naming the path, expected and received value. */
export function parseDemoConfig(input: unknown): DemoConfig {
  return parseConfig(schema, input);
}

/** Reads and validates `file`. An unreadable file or invalid JSON is a `ConfigError` naming the file. */
export async function loadDemoConfig(file: string): Promise<DemoConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      [{ path: '--config', expected: 'a readable file', received: JSON.stringify(file) }],
      {
        cause: err,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([{ path: file, expected: 'valid JSON', received: (err as Error).message }], {
      cause: err,
    });
  }
  return parseDemoConfig(json);
}
