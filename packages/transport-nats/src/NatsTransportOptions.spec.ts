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
});
