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

/** The suites benchmark's option values as the command line gave them. */
export interface BenchOptionValues {
  rounds?: string | boolean;
  json?: string | boolean;
  markdown?: string | boolean;
  svg?: string | boolean;
}

/**
 * Checks `slipstream bench [SUITE ...] [--rounds N] [--json FILE] [--markdown FILE] [--svg FILE]`.
 * Throws a `ConfigError` naming the option, what it expects and what it received.
 */
export function benchArgsOf(values: BenchOptionValues, names: readonly string[]): BenchArgs {
  const args: BenchArgs = { names: [...names], rounds: BENCH_DEFAULTS.rounds };
  const file = (option: string, value: string | boolean): string => {
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError([{ path: option, expected: 'a file path', received: JSON.stringify(value) }]);
    }
    return value;
  };
  if (values.json !== undefined) args.json = file('--json', values.json);
  if (values.markdown !== undefined) args.markdown = file('--markdown', values.markdown);
  if (values.svg !== undefined) args.svg = file('--svg', values.svg);
  if (values.rounds !== undefined) {
    const raw = String(values.rounds);
    args.rounds = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(args.rounds) || args.rounds < 1) {
      throw new ConfigError([{ path: '--rounds', expected: 'a positive integer', received: raw }]);
    }
  }
  return args;
}
