import { ConfigError } from '@slipstream/contracts';

import { CLI_DEFAULTS, CLI_LIMITS, type CliOptions } from './CliOptions';

/** The usage line of the CLI. */
export const USAGE = 'usage: slipstream bench --target URL [--duration S] [--connections N] [--json]';

/** Parses an http(s) URL; a `ConfigError` naming `--target` otherwise. */
export function parseTarget(raw: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigError([
      { path: '--target', expected: 'an http:// or https:// URL', received: JSON.stringify(raw) },
    ]);
  }
  return url;
}

function parseNumber(option: string, raw: string, integer: boolean, max: number): number {
  const value = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    value > 0 &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    throw new ConfigError([
      { path: option, expected: `${kind} > 0 and ≤ ${max}`, received: JSON.stringify(raw) },
    ]);
  }
  return value;
}

/**
 * Parses `bench --target URL [--duration S] [--connections N] [--json]` (the arguments after
 * `slipstream`). Throws a `ConfigError` naming the option, what it expects and what it received.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const [command, ...rest] = argv;
  if (command !== 'bench') {
    throw new ConfigError([
      { path: 'command', expected: '"bench"', received: JSON.stringify(command ?? '') },
    ]);
  }
  let target: URL | undefined;
  let durationS: number = CLI_DEFAULTS.durationS;
  let connections: number = CLI_DEFAULTS.connections;
  let json: boolean = CLI_DEFAULTS.json;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) {
        throw new ConfigError([{ path: arg, expected: 'a value', received: v ?? 'nothing' }]);
      }
      return v;
    };
    if (arg === '--target') target = parseTarget(value());
    else if (arg === '--duration') durationS = parseNumber(arg, value(), false, CLI_LIMITS.maxDurationS);
    else if (arg === '--connections')
      connections = parseNumber(arg, value(), true, CLI_LIMITS.maxConnections);
    else if (arg === '--json') json = true;
    else {
      throw new ConfigError([
        {
          path: arg,
          expected: 'one of --target, --duration, --connections, --json',
          received: JSON.stringify(arg),
        },
      ]);
    }
  }
  if (!target) throw new ConfigError([{ path: '--target', expected: 'a URL', received: 'nothing' }]);
  return { target, durationS, connections, json };
}
