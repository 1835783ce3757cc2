import { ConfigError } from '@slipstream/contracts';

import { nodeConfig, readSettings, SETTINGS_ENV } from './MultiprocessSettings';

const valid = {
  servers: ['nats://127.0.0.1:4222'],
  namespace: 'ns',
  streamName: 'S',
  upstreams: ['http://a'],
};

describe('readSettings', () => {
  it('when the environment carries valid settings, returns them', () => {
    expect(readSettings({ [SETTINGS_ENV]: JSON.stringify(valid) })).toEqual(valid);
  });

  it('when fields are missing, throws a ConfigError naming each', () => {
    const err = (() => {
      try {
        return readSettings({ [SETTINGS_ENV]: JSON.stringify({ servers: [] }) });
      } catch (e) {
        return e;
      }
    })();
    expect(ConfigError.is(err)).toBe(true);
    expect((err as ConfigError).issues.map((i) => i.path)).toEqual([
      'servers',
      'upstreams',
      'namespace',
      'streamName',
    ]);
  });
});

describe('nodeConfig', () => {
  it('selects NATS with sarah.task durable and discovery on', () => {
    expect(nodeConfig(valid, 'n1')).toMatchObject({
      nodeId: 'n1',
      bus: { transport: 'nats', namespace: 'ns', streamName: 'S', durableTopics: ['sarah.task'] },
      discovery: { intervalMs: 1_000, missed: 3 },
    });
  });
});
