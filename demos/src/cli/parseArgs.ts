import { ConfigError } from '@slipstream/contracts';
import type { DemoArgs } from './DemoArgs';

/** Usage text of `npm start -- [options]`. */
export const USAGE = `usage: npm start -- [--only N] [--json FILE] [--config FILE] [--scale X]
  --only N       run scenario N only (1..10)
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
  --help         print this text`;

const SCENARIO_COUNT = 10;
const MAX_SCALE = 10;

/**
 * Parses the demo's command line (`process.argv.slice(2)`). Accepts `--flag value` and
 * `--flag=value`. Throws a `ConfigError` naming the option, what it expects and what it got.
 */
export function parseArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = { scale: 1, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    switch (flag) {
      case '--only':
        args.only = integerIn(flag, value, 1, SCENARIO_COUNT);
        break;
      case '--json':
        args.json = nonEmpty(flag, value, 'a file path');
        break;
      case '--config':
        args.config = nonEmpty(flag, value, 'a file path');
        break;
      case '--scale':
        args.scale = scaleOf(value);
        break;
      default:
        throw new ConfigError([
          {
            path: 'argv',
            expected: 'one of --only, --json, --config, --scale, --help',
            received: JSON.stringify(arg),
          },
        ]);
    }
  }
  return args;
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
