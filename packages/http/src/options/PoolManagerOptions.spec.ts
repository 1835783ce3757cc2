import { ConfigError } from '@slipstream/contracts';
import { ORIGIN_DEFAULTS, POOL_DEFAULTS, resolvePoolOptions } from './PoolManagerOptions';

describe(resolvePoolOptions, () => {
  describe('when nothing is given', () => {
    it('applies every default', () => {
      expect(resolvePoolOptions()).toEqual({ ...POOL_DEFAULTS, origins: {} });
    });
  });

  describe('when a value is invalid', () => {
    it('throws a ConfigError naming the field, the expected and the received value', () => {
      let err: unknown;
      try {
        resolvePoolOptions({
          connections: 0,
          origins: { 'http://a:1': { requestCompression: 'zip' as 'gzip' } },
        });
      } catch (e) {
        err = e;
      }
      expect(ConfigError.is(err)).toBe(true);
      expect((err as ConfigError).issues).toEqual([
        { path: 'connections', expected: 'number > 0', received: '0 (number)' },
        {
          path: 'origins.http://a:1.requestCompression',
          expected: 'one of "none", "gzip", "br"',
          received: '"zip" (string)',
        },
      ]);
    });
  });

  describe('when a key is unknown', () => {
    it('refuses it and names the nearest valid one (regression: pool: { connetions: 8 } was ignored)', () => {
      expect(() => resolvePoolOptions({ connetions: 8 } as never)).toThrow(
        'connetions: expected a known key (did you mean "connections"?)',
      );
    });
  });

  describe('when a base is given', () => {
    it('keeps the base for omitted fields and normalises origins', () => {
      const base = resolvePoolOptions({ connections: 8 });
      const next = resolvePoolOptions({ origins: { 'HTTP://Host:80/': { requestCompression: 'br' } } }, base);
      expect(next.connections).toBe(8);
      expect(next.origins['http://host']).toEqual({ ...ORIGIN_DEFAULTS, requestCompression: 'br' });
    });
  });

  describe('when connection settings of an origin are invalid', () => {
    it('names each refused field with its origin', () => {
      const origin = 'https://a:1';
      expect(() =>
        resolvePoolOptions({
          origins: {
            [origin]: {
              protocol: 'h3' as 'h2',
              maxConcurrentStreams: 0,
              maxConnectionAgeJitter: 2,
              maxConnectionAgeMs: -1,
            },
          },
        }),
      ).toThrow(
        [
          `origins.${origin}.protocol: expected one of "h1", "h2", "auto", received "h3" (string)`,
          `origins.${origin}.maxConcurrentStreams: expected number > 0, received 0 (number)`,
          `origins.${origin}.maxConnectionAgeMs: expected number >= 0, received -1 (number)`,
          `origins.${origin}.maxConnectionAgeJitter: expected number <= 1, received 2 (number)`,
        ].join('; '),
      );
    });

    it('refuses a request limit of 1 and a request limit with HTTP/2', () => {
      expect(() =>
        resolvePoolOptions({ origins: { 'http://a:1': { maxRequestsPerConnection: 1 } } }),
      ).toThrow(
        'origins.http://a:1.maxRequestsPerConnection: expected 0 (no limit) or an integer ≥ 2, received 1 (number)',
      );
      expect(() =>
        resolvePoolOptions({
          origins: { 'https://a:1': { protocol: 'auto', maxRequestsPerConnection: 10 } },
        }),
      ).toThrow(ConfigError);
    });
  });
});
