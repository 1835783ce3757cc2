import { ConfigError } from '@slipstream/contracts';
import { demoArgsOf } from './demoArgsOf';

describe(demoArgsOf, () => {
  describe('when given no options', () => {
    it('runs every scenario at scale 1', () => {
      expect(demoArgsOf({})).toEqual({ scale: 1 });
    });
  });

  describe('when given --only, --json, --config and --scale', () => {
    it('reads each', () => {
      expect(demoArgsOf({ only: ['3'], json: 'out.json', config: 'up.json', scale: '0.5' })).toEqual({
        only: [3],
        json: 'out.json',
        config: 'up.json',
        scale: 0.5,
      });
    });
  });

  describe('when given --only more than once or a list', () => {
    it('runs each scenario named, once, in the order given', () => {
      expect(demoArgsOf({ only: ['2', '1,5', '2'] }).only).toEqual([2, 1, 5]);
    });
  });

  describe('when given invalid values', () => {
    it.each([
      [{ only: ['11'] }, '--only: expected an integer 1..10, received "11"'],
      [{ only: ['1', 'x'] }, '--only: expected an integer 1..10, received "x"'],
      [{ only: ['1,'] }, '--only: expected an integer 1..10, received ""'],
      [{ json: '' }, '--json: expected a file path, received ""'],
      [{ scale: '0' }, '--scale: expected a number > 0 and ≤ 10, received "0"'],
    ])('%j throws a ConfigError naming the option', (values, message) => {
      const error = (() => {
        try {
          demoArgsOf(values);
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
