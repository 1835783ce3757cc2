import { ConfigError } from '@slipstream/contracts';

import { parseBenchArgs } from './parseBenchArgs';

describe('parseBenchArgs()', () => {
  it('when given nothing, selects every suite with 5 rounds', () => {
    expect(parseBenchArgs([])).toEqual({ names: [], rounds: 5 });
  });

  it('when given suites and options, reads them in any order', () => {
    expect(
      parseBenchArgs(['http', '--rounds', '3', 'bus', '--json', 'a.json', '--markdown', 'B.md']),
    ).toEqual({
      names: ['http', 'bus'],
      rounds: 3,
      json: 'a.json',
      markdown: 'B.md',
    });
  });

  it('when --rounds is not a positive integer, throws a ConfigError naming it and the value', () => {
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow(ConfigError);
    expect(() => parseBenchArgs(['--rounds', '2.5'])).toThrow(
      /--rounds: expected a positive integer, received 2\.5/,
    );
  });

  it('when an option lacks its value, throws a ConfigError', () => {
    expect(() => parseBenchArgs(['--json'])).toThrow(/--json: expected a value, received nothing/);
    expect(() => parseBenchArgs(['--json', '--rounds', '2'])).toThrow(ConfigError);
  });

  it('when an option is unknown, throws a ConfigError naming it', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(/--fast/);
  });
});
