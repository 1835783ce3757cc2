import { ConfigError } from '@slipstream/contracts';

import { NATS_TRANSPORT_DEFAULTS, resolveNatsTransportOptions } from './NatsTransportOptions';

describe(resolveNatsTransportOptions, () => {
  it('when nothing is given, returns the defaults', () => {
    expect(resolveNatsTransportOptions()).toEqual(NATS_TRANSPORT_DEFAULTS);
  });

  it('when a value is invalid, throws a ConfigError naming the path, the expectation and the value', () => {
    const err = (() => {
      try {
        resolveNatsTransportOptions({ bufferMaxMessages: -1, durableTopics: ['sarah.*'] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      { path: 'bus.bufferMaxMessages', expected: 'a positive integer', received: '-1' },
      {
        path: 'bus.durableTopics',
        expected: 'an array of dotted topics without wildcards',
        received: '["sarah.*"]',
      },
    ]);
  });

  it('when a key is misspelt (bus.durableTopic), throws a ConfigError naming it instead of ignoring it', () => {
    expect(() => resolveNatsTransportOptions({ durableTopic: ['sarah.task'] } as never)).toThrow(
      /bus\.durableTopic: expected a NATS transport option \(servers, .*durableTopics.*\), received \["sarah.task"\]/,
    );
  });

  it('when the section holds the keys core reads (transport, requestTimeoutMs, checkSerializable), accepts them', () => {
    const options = { transport: 'nats', requestTimeoutMs: 1_000, checkSerializable: false, name: 'n' };
    expect(resolveNatsTransportOptions(options as never)).toMatchObject({ name: 'n' });
  });

  it('when auth or tls is wrong, throws a ConfigError naming bus.auth.* / bus.tls.* (secrets redacted)', () => {
    const issues = (options: Record<string, unknown>): unknown => {
      try {
        resolveNatsTransportOptions(options);
      } catch (e) {
        return ConfigError.is(e) ? e.issues : e;
      }
      return [];
    };
    expect(issues({ auth: { token: 's3cret', user: 'u', password: 'p' } })).toEqual([
      {
        path: 'bus.auth',
        expected: 'exactly one of user, token, nkeySeedFile, credsFile (got user, token)',
        received: '{"token":"[REDACTED]","user":"u","password":"[REDACTED]"} (object)',
      },
    ]);
    expect(issues({ auth: { tokn: 'x' } })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'bus.auth.tokn', expected: 'a known key (did you mean "token"?)' }),
      ]),
    );
    expect(issues({ auth: { token: 42 } })).toEqual([
      { path: 'bus.auth.token', expected: 'string', received: '[REDACTED]' },
    ]);
    expect(issues({ tls: { certFile: '/c.pem' } })).toEqual([
      expect.objectContaining({ path: 'bus.tls.keyFile', expected: '`certFile` and `keyFile` together' }),
    ]);
    expect(issues({ handlerConcurrency: 0, durableDeliverFrom: 'first' })).toEqual([
      { path: 'bus.handlerConcurrency', expected: 'a positive integer', received: '0' },
      { path: 'bus.durableDeliverFrom', expected: "'new' or 'all'", received: '"first"' },
    ]);
  });
});
