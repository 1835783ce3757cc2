import { ConfigError } from '@slipstream/contracts';
import { POOL_DEFAULTS, resolvePoolOptions } from './PoolManagerOptions';

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
      expect(next.origins['http://host']).toEqual({
        requestCompression: 'br',
        compressionThresholdBytes: 1_024,
      });
    });
  });
});
