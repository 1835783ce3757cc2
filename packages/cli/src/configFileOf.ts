import { ConfigError } from '@slipstream/contracts';
import type { CommandArgs } from './Command';

/** The option `validate`, `run` and `sidecar` name their config file with (`FILE` works too). */
export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const;

/** The usage of the config file argument, for the commands' help. */
export const CONFIG_USAGE = 'FILE | --config FILE';

/**
 * The config file of `validate`, `run` and `sidecar`: `FILE` or `--config FILE` (`-c`,
 * `--config=FILE`), exactly one. Throws a `ConfigError` (exit 2) otherwise.
 */
export function configFileOf({ values, positionals }: CommandArgs): string {
  const given = [...positionals, ...(typeof values.config === 'string' ? [values.config] : [])];
  if (given.length !== 1) {
    const received = given.length === 0 ? 'nothing' : JSON.stringify(given.join(' '));
    throw new ConfigError([{ path: 'FILE', expected: 'one config file (FILE or --config FILE)', received }]);
  }
  return given[0]!;
}
