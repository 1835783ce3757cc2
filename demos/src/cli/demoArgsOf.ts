import { ConfigError } from '@slipstream/contracts';
import type { DemoArgs } from './DemoArgs';

/** Help text of `slipstream demo` (`npm start -- [options]`). */
export const DEMO_HELP = `usage: slipstream demo [--only N[,N...]] [--json FILE] [--config FILE] [--scale X]
       (npm start -- [options] runs it too)
  --only N       run only scenario N (1..10); repeat it or list several (--only 1,3) to run those
  --json FILE    also write the results as JSON to FILE
  --config FILE  run against the real upstreams listed in FILE, a JSON file:
                   { "upstreams": ["http://host:port",
                                   { "url": "https://host", "path": "/health", "rpcPath": "/rpc" }] }
                 Each scenario upstream is then a forwarding testkit upstream (its own child
                 process) in front of a real one, taken in turn, so several may front the same
                 URL. Injected faults (latency, errors, kill) happen in the forwarder; all other
                 requests reach the real upstream. "path": where REST requests go (default:
                 their own path, e.g. /work); "rpcPath": where JSON-RPC batches go (default
                 /rpc), whose "echo" method must return its params. The real upstream must
                 answer them 2xx.
  --scale X      multiply every workload's request count by X (0 < X ≤ 10; default 1)
  -h, --help     print this text`;

const SCENARIO_COUNT = 10;
const MAX_SCALE = 10;

/** The demo's options as the command line gave them (`node:util` `parseArgs` values). */
export interface DemoArgValues {
  only?: string | boolean | string[];
  json?: string | boolean;
  config?: string | boolean;
  scale?: string | boolean;
}

/** The demo's options for `node:util` `parseArgs`. */
export const DEMO_OPTIONS = {
  only: { type: 'string', multiple: true },
  json: { type: 'string' },
  config: { type: 'string' },
  scale: { type: 'string' },
} as const;

/**
 * Checks the demo's option values (`slipstream demo --only 3 --scale=0.5`). Throws a
 * `ConfigError` naming the option, what it expects and what it got.
 */
export function demoArgsOf(values: DemoArgValues): DemoArgs {
  const args: DemoArgs = { scale: 1 };
  if (values.only !== undefined) args.only = scenariosOf(values.only);
  if (values.json !== undefined) args.json = nonEmpty('--json', text(values.json), 'a file path');
  if (values.config !== undefined) args.config = nonEmpty('--config', text(values.config), 'a file path');
  if (values.scale !== undefined) args.scale = scaleOf(text(values.scale));
  return args;
}

/** The scenarios of every `--only` (each a number or a comma-separated list), in order, once each. */
function scenariosOf(only: string | boolean | string[]): number[] {
  const lists = Array.isArray(only) ? only : [text(only)];
  const ids = lists.flatMap((list) => (list === undefined ? [undefined] : list.split(',')));
  return [...new Set(ids.map((id) => integerIn('--only', id, 1, SCENARIO_COUNT)))];
}

/** A string option's value (`parseArgs` gives booleans only for boolean options). */
function text(value: string | boolean): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(flag: string, value: string | undefined, expected: string): string {
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new ConfigError([
      { path: flag, expected, received: value === undefined ? 'nothing' : JSON.stringify(value) },
    ]);
  }
  return value;
}

function integerIn(flag: string, value: string | undefined, min: number, max: number): number {
  const n = Number(nonEmpty(flag, value, `an integer ${min}..${max}`));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError([
      { path: flag, expected: `an integer ${min}..${max}`, received: JSON.stringify(value) },
    ]);
  }
  return n;
}

function scaleOf(value: string | undefined): number {
  const expected = `a number > 0 and ≤ ${MAX_SCALE}`;
  const n = Number(nonEmpty('--scale', value, expected));
  if (!Number.isFinite(n) || n <= 0 || n > MAX_SCALE) {
    throw new ConfigError([{ path: '--scale', expected, received: JSON.stringify(value) }]);
  }
  return n;
}
