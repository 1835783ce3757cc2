import { BusTimeoutError, NoResponderError } from './busErrors';
import { ConfigError } from './ConfigError';
import { UpstreamStatusError } from './networkErrors';
import { SlipstreamError } from './SlipstreamError';

describe(SlipstreamError, () => {
  describe('.is()', () => {
    it('matches every Slipstream error from the base class', () => {
      expect(SlipstreamError.is(new BusTimeoutError('a.b', 10))).toBe(true);
      expect(SlipstreamError.is(new Error('plain'))).toBe(false);
      expect(SlipstreamError.is(null)).toBe(false);
    });

    it('matches only its own class from a subclass', () => {
      const err = new BusTimeoutError('a.b', 10);
      expect(BusTimeoutError.is(err)).toBe(true);
      expect(NoResponderError.is(err)).toBe(false);
    });

    it('when the error comes from another copy of the package, matches by brand and code', () => {
      const foreign = { [Symbol.for('slipstream.error')]: true, code: 'SLIP_ERR_NO_RESPONDER', message: 'x' };
      expect(NoResponderError.is(foreign)).toBe(true);
      expect(BusTimeoutError.is(foreign)).toBe(false);
    });
  });

  it('carries code, retryable, name and cause', () => {
    const cause = new Error('socket');
    const err = new BusTimeoutError('a.b', 10, { cause });
    expect(err).toMatchObject({
      code: 'SLIP_ERR_BUS_TIMEOUT',
      retryable: true,
      name: 'BusTimeoutError',
      cause,
    });
    expect(err.toJSON()).toEqual({
      name: 'BusTimeoutError',
      code: 'SLIP_ERR_BUS_TIMEOUT',
      message: 'no reply on "a.b" within 10 ms',
      retryable: true,
    });
  });

  it('derives retryable from the status code for upstream errors', () => {
    expect(new UpstreamStatusError(503, 'down').retryable).toBe(true);
    expect(new UpstreamStatusError(400, 'bad').retryable).toBe(false);
  });
});

describe(ConfigError, () => {
  it('names the path, what was expected and what was received', () => {
    const err = new ConfigError([
      { path: 'pool.connections', expected: 'a positive integer', received: '-1' },
    ]);
    expect(err.message).toBe(
      'invalid configuration: pool.connections: expected a positive integer, received -1',
    );
    expect(err.issues).toHaveLength(1);
  });
});
