import { ConfigError } from '@slipstream/contracts';

import { benchArgsOf } from './benchArgsOf';

describe('benchArgsOf()', () => {
  it('when given nothing, selects every suite with 5 rounds', () => {
    expect(benchArgsOf({}, [])).toEqual({ names: [], rounds: 5 });
  });

  it('when given suites and options, reads them', () => {
    expect(benchArgsOf({ rounds: '3', json: 'a.json', markdown: 'B.md' }, ['http', 'bus'])).toEqual({
      names: ['http', 'bus'],
      rounds: 3,
      json: 'a.json',
      markdown: 'B.md',
    });
  });

  it('when --rounds is not a positive integer, throws a ConfigError naming it and the value', () => {
    expect(() => benchArgsOf({ rounds: '0' }, [])).toThrow(ConfigError);
    expect(() => benchArgsOf({ rounds: '2.5' }, [])).toThrow(
      /--rounds: expected a positive integer, received 2\.5/,
    );
  });

  it('when a file option is empty, throws a ConfigError naming it', () => {
    expect(() => benchArgsOf({ json: '' }, [])).toThrow(/--json: expected a file path, received ""/);
  });
});
