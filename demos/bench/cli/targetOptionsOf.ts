import { ConfigError } from '@slipstream/contracts';

import { CLI_DEFAULTS, CLI_LIMITS, type CliOptions } from './CliOptions';

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

/** The target benchmark's option values as the command line gave them. */
export interface TargetOptionValues {
  target?: string | boolean;
  duration?: string | boolean;
  connections?: string | boolean;
  json?: string | boolean;
}

/** A string option's value (`parseArgs` gives booleans only for boolean options). */
function text(value: string | boolean | undefined): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Checks `slipstream bench --target URL [--duration S] [--connections N] [--json FILE]`. Throws
 * a `ConfigError` naming the option, what it expects and what it received.
 */
export function targetOptionsOf(values: TargetOptionValues): CliOptions {
  if (values.target === undefined) {
    throw new ConfigError([{ path: '--target', expected: 'a URL', received: 'nothing' }]);
  }
  const options: CliOptions = {
    target: parseTarget(text(values.target)),
    durationS:
      values.duration === undefined
        ? CLI_DEFAULTS.durationS
        : parseNumber('--duration', text(values.duration), false, CLI_LIMITS.maxDurationS),
    connections:
      values.connections === undefined
        ? CLI_DEFAULTS.connections
        : parseNumber('--connections', text(values.connections), true, CLI_LIMITS.maxConnections),
  };
  if (values.json !== undefined) {
    if (text(values.json) === '')
      throw new ConfigError([{ path: '--json', expected: 'a file path', received: '""' }]);
    options.json = text(values.json);
  }
  return options;
}
