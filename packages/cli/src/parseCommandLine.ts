import { parseArgs } from 'node:util';
import { ConfigError } from '@slipstream/contracts';
import type { Command, CommandArgs } from './Command';

/** The option every command has. */
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** `--name` for each option of `command`, `--help` included. */
function optionNames(command: Command): string {
  return [...Object.keys(command.options), 'help'].map((name) => `--${name}`).join(', ');
}

/**
 * The option an error of `parseArgs` is about: an unknown one as it was written (`--bogus`,
 * `-x`), a known one by its long name (`--config`, not the `-c, --config <value>` Node quotes).
 */
function offendingOption(message: string): string {
  const quoted = /'(-[^']*)'/.exec(message)?.[1];
  if (quoted === undefined) return message;
  const names = quoted.split(/[\s,]+/).filter((word) => word.startsWith('-'));
  return names.find((name) => name.startsWith('--')) ?? names[0] ?? quoted;
}

/**
 * `argv` with each value that starts with a dash and a digit (`--scale -1`) joined to the option
 * before it (`--scale=-1`), so that the command judges the number instead of `parseArgs` taking
 * it for an option: no command has a digit for an option name.
 */
function joinNegativeValues(command: Command, argv: readonly string[]): string[] {
  const takesValue = (arg: string | undefined): boolean => {
    const name = arg?.startsWith('--') ? arg.slice(2) : undefined;
    return name !== undefined && command.options[name]?.type === 'string';
  };
  const joined: string[] = [];
  for (const arg of argv) {
    const previous = joined[joined.length - 1];
    if (/^-\d/.test(arg) && takesValue(previous)) joined[joined.length - 1] = `${previous}=${arg}`;
    else joined.push(arg);
  }
  return joined;
}

/**
 * Parses a command's arguments with `node:util` `parseArgs` (strict: unknown options and a
 * missing value are refused; `--flag value` and `--flag=value` alike). Throws a `ConfigError`
 * naming the option, what the command accepts and what it received.
 */
export function parseCommandLine(command: Command, argv: readonly string[]): CommandArgs & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(command, argv),
      options: { ...command.options, ...HELP },
      strict: true,
      allowPositionals: command.positionals,
    });
    const { help, ...rest } = values as CommandArgs['values'];
    return { values: rest, positionals, help: help === true };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = offendingOption(message);
      throw new ConfigError([
        { path: option, expected: `one of ${optionNames(command)}`, received: JSON.stringify(option) },
      ]);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = offendingOption(message);
      const flagOnly = message.includes('does not take an argument');
      throw new ConfigError([
        flagOnly
          ? { path: option, expected: 'no value (a flag)', received: 'a value' }
          : { path: option, expected: 'a value', received: 'nothing' },
      ]);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const extra = /'([^']*)'/.exec(message)?.[1] ?? message;
      throw new ConfigError([
        { path: command.name, expected: 'no arguments', received: JSON.stringify(extra) },
      ]);
    }
    throw err;
  }
}
