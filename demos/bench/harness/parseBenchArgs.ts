import { ConfigError } from '@slipstream/contracts';

/** The arguments of `npm run bench`. */
export interface BenchArgs {
  /** Suites to run; all when empty. */
  names: string[];
  /** Rounds per comparison. Defaults to 5. */
  rounds: number;
  /** Where to write the JSON results. Defaults to none. */
  json?: string;
  /** Where to write the markdown report. Defaults to none. */
  markdown?: string;
  /** Where to write the SVG chart of the latency distributions. Defaults to none. */
  svg?: string;
}

/** Defaults of `BenchArgs`. */
export const BENCH_DEFAULTS = Object.freeze({ rounds: 5 });

/**
 * Parses `[SUITE ...] [--rounds N] [--json FILE] [--markdown FILE] [--svg FILE]`. Throws a `ConfigError`
 * naming the option, what it expects and what it received.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { names: [], rounds: BENCH_DEFAULTS.rounds };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) {
        throw new ConfigError([{ path: arg, expected: 'a value', received: v ?? 'nothing' }]);
      }
      return v;
    };
    if (arg === '--json') args.json = value();
    else if (arg === '--markdown') args.markdown = value();
    else if (arg === '--svg') args.svg = value();
    else if (arg === '--rounds') {
      const raw = value();
      args.rounds = Number(raw);
      if (!Number.isInteger(args.rounds) || args.rounds < 1) {
        throw new ConfigError([{ path: '--rounds', expected: 'a positive integer', received: raw }]);
      }
    } else if (arg.startsWith('--')) {
      throw new ConfigError([
        { path: arg, expected: 'one of --rounds, --json, --markdown, --svg or a suite name', received: arg },
      ]);
    } else args.names.push(arg);
  }
  return args;
}
