import { ConfigError } from '@slipstream/contracts';
import { parseConfig } from '@slipstream/core';
import type { ForwardTarget } from '@slipstream/testkit';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The `--config FILE` contents: the real upstreams the demo's forwarding proxies front. */
export interface DemoConfig {
  /** The real upstreams, each an origin with its optional path mappings; at least one. */
  upstreams: ForwardTarget[];
}

/** Whether `url` is an http(s) origin: scheme, host and port, nothing else. */
function isHttpOrigin(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, pathname, search, hash, username } = new URL(url);
  return /^https?:$/.test(protocol) && pathname === '/' && search === '' && hash === '' && username === '';
}

const origin = z
  .string()
  .refine(
    isHttpOrigin,
    'an http(s) URL without path or query (http://host:port); map paths with "path" / "rpcPath"',
  )
  .transform((url) => new URL(url).origin);

const path = z.string().refine((p) => p.startsWith('/'), "a path starting with '/'");

const upstream = z
  .object({ url: origin, path: path.optional(), rpcPath: path.optional() })
  .strict()
  .transform(({ url, ...paths }): ForwardTarget => ({ origin: url, ...paths }));

const schema = z.object({ upstreams: z.array(upstream).min(1) }).strict();

/** `input` with every upstream given as a URL string spelled out as `{ "url": URL }`, its short form. */
function withUrlObjects(input: unknown): unknown {
  if (
    typeof input !== 'object' ||
    input === null ||
    !('upstreams' in input) ||
    !Array.isArray(input.upstreams)
  )
    return input;
  const upstreams: unknown[] = input.upstreams;
  return { ...input, upstreams: upstreams.map((u) => (typeof u === 'string' ? { url: u } : u)) };
}

/** Validates a parsed config object; throws a `ConfigError` naming the path, expected and received value. */
export function parseDemoConfig(input: unknown): DemoConfig {
  return parseConfig(schema, withUrlObjects(input));
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
