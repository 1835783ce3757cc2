import { ConfigError } from '@slipstream/contracts';

import { parseTarget, targetOptionsOf } from './targetOptionsOf';

describe('targetOptionsOf()', () => {
  it('when given only a target, fills the defaults', () => {
    expect(targetOptionsOf({ target: 'http://127.0.0.1:8080/x?y=1' })).toEqual({
      target: new URL('http://127.0.0.1:8080/x?y=1'),
      durationS: 10,
      connections: 16,
    });
  });

  it('when given every option, reads them', () => {
    const options = targetOptionsOf({
      json: 'r.json',
      connections: '8',
      duration: '2.5',
      target: 'https://127.0.0.1/',
    });
    expect(options).toMatchObject({ durationS: 2.5, connections: 8, json: 'r.json' });
    expect(options.target.href).toBe('https://127.0.0.1/');
  });

  it('when the target is missing, throws a ConfigError naming --target', () => {
    expect(() => targetOptionsOf({})).toThrow(/--target: expected a URL, received nothing/);
  });

  it('when --connections is not a positive integer, throws a ConfigError with the value', () => {
    expect(() => targetOptionsOf({ target: 'http://127.0.0.1', connections: '1.5' })).toThrow(
      /--connections: expected an integer > 0 and ≤ 1024, received "1.5"/,
    );
    expect(() => targetOptionsOf({ target: 'http://127.0.0.1', connections: '0' })).toThrow(ConfigError);
  });

  it('when --duration is not a positive number up to 600, throws a ConfigError with the value', () => {
    expect(() => targetOptionsOf({ target: 'http://127.0.0.1', duration: 'ten' })).toThrow(
      /--duration: expected a number > 0 and ≤ 600, received "ten"/,
    );
    expect(() => targetOptionsOf({ target: 'http://127.0.0.1', duration: '601' })).toThrow(ConfigError);
  });
});

describe('parseTarget()', () => {
  it('when the URL is http or https, returns it parsed', () => {
    expect(parseTarget('http://127.0.0.1:3000/health').port).toBe('3000');
  });

  it.each(['not a url', 'ftp://127.0.0.1/', '127.0.0.1:8080', 'file:///etc/passwd', ''])(
    'when given %j, throws a ConfigError naming --target and the value',
    (raw) => {
      expect(() => parseTarget(raw)).toThrow(ConfigError);
      expect(() => parseTarget(raw)).toThrow(
        `--target: expected an http:// or https:// URL, received ${JSON.stringify(raw)}`,
      );
    },
  );
});
