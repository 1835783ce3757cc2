import type { ParseArgsConfig } from 'node:util';

/** Where a command writes: results to `out` (stdout), progress and errors to `err` (stderr). */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** The parsed command line a command runs with. */
export interface CommandArgs {
  /** Option values by long name (`--flag value` and `--flag=value` alike; a list for a `multiple` option). */
  values: Record<string, string | boolean | string[] | undefined>;
  /** Arguments that are not options, in order. */
  positionals: string[];
}

/** What a running command gets besides its arguments. */
export interface CommandContext {
  io: CommandIo;
  /** Aborted on SIGINT / SIGTERM: the command stops what it runs and cleans up. */
  signal: AbortSignal;
}

/** One `slipstream` sub-command. */
export interface Command {
  /** The word after `slipstream`. */
  readonly name: string;
  /** One line for `slipstream --help`. */
  readonly summary: string;
  /** The text of `slipstream NAME --help` (its first line is the usage line). */
  readonly help: string;
  /** Its options for `node:util` `parseArgs` (`--help`/`-h` is added to every command). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether it takes positional arguments. */
  readonly positionals: boolean;
  /**
   * Whether the command handles SIGINT / SIGTERM itself (a server that drains and exits 0):
   * then `runMain` neither aborts it nor answers 130 / 143. Defaults to false.
   */
  readonly ownsSignals?: boolean;
  /**
   * Runs the command; resolves with its exit status. Rejects with a `ConfigError` for a bad
   * value (exit 2) and with any other error for a failure (exit 1).
   */
  run(args: CommandArgs, ctx: CommandContext): Promise<number>;
}
