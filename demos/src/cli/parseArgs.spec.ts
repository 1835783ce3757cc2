import { ConfigError } from '@slipstream/contracts';
import { parseArgs } from './parseArgs';

describe(parseArgs, () => {
  describe('when given no arguments', () => {
    it('runs every scenario at scale 1', () => {
      expect(parseArgs([])).toEqual({ scale: 1, help: false });
    });
  });

  describe('when given --only, --json, --config and --scale', () => {
    it('reads `--flag value` and `--flag=value`', () => {
      expect(parseArgs(['--only', '3', '--json=out.json', '--config', 'up.json', '--scale=0.5'])).toEqual({
        only: 3,
        json: 'out.json',
        config: 'up.json',
        scale: 0.5,
        help: false,
      });
    });
  });

  describe('when given --help', () => {
    it('asks for the usage text', () => {
      expect(parseArgs(['--help']).help).toBe(true);
    });
  });

  describe('when given invalid input', () => {
    it.each([
      [['--only', '11'], '--only: expected an integer 1..10, received "11"'],
      [['--only', 'x'], '--only: expected an integer 1..10, received "x"'],
      [['--only'], '--only: expected an integer 1..10, received nothing'],
      [['--json', '--only'], '--json: expected a file path, received "--only"'],
      [['--scale', '0'], '--scale: expected a number > 0 and ≤ 10, received "0"'],
      [['--fast'], 'argv: expected one of --only, --json, --config, --scale, --help, received "--fast"'],
    ])('%j throws a ConfigError naming the option', (argv, message) => {
      const error = (() => {
        try {
          parseArgs(argv);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(ConfigError.is(error)).toBe(true);
      expect((error as ConfigError).message).toBe(`invalid configuration: ${message}`);
    });
  });
});
