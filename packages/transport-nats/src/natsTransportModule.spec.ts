import { ConfigError, TOKENS } from '@slipstream/contracts';
import { coreModule, InProcessTransport, parseConfig, coreConfigSchema } from '@slipstream/core';
import { Container } from 'inversify';

import { RecordingLogger } from '../test/RecordingLogger';
import { NatsTransport } from './NatsTransport';
import { natsTransportFactory } from './natsTransportFactory';
import { natsTransportModule } from './natsTransportModule';

/** The issues of the `ConfigError` that `run` throws (fails the test when it throws none or another error). */
function issuesOf(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    if (ConfigError.is(err)) return err.issues;
    throw err;
  }
  throw new Error('no ConfigError thrown');
}

async function containerFor(bus: unknown): Promise<Container> {
  const config = parseConfig(coreConfigSchema, { nodeId: 'node-1', bus });
  const container = new Container();
  await container.load(coreModule({ config, logger: new RecordingLogger() }), natsTransportModule);
  return container;
}

describe('natsTransportModule', () => {
  it("when the config selects 'nats', TOKENS.Transport is one NatsTransport configured from the bus section", async () => {
    const container = await containerFor({
      transport: 'nats',
      servers: ['127.0.0.1:1'],
      name: 'worker-a',
      namespace: 'ns',
      durableTopics: ['sarah.task'],
      consumerInactiveThresholdMs: 60_000,
    });
    const transport = container.get<NatsTransport>(TOKENS.Transport);
    expect(transport).toBeInstanceOf(NatsTransport);
    expect(transport.options).toMatchObject({
      servers: ['127.0.0.1:1'],
      name: 'worker-a',
      namespace: 'ns',
      durableTopics: ['sarah.task'],
      consumerInactiveThresholdMs: 60_000,
    });
    expect(container.get(TOKENS.Transport)).toBe(transport);
  });

  it('when there are no durable topics and no bus.name, the transport is named after the node id', async () => {
    const container = await containerFor({ transport: 'nats', servers: ['127.0.0.1:1'] });
    expect(container.get<NatsTransport>(TOKENS.Transport).options.name).toBe('node-1');
  });

  it('when durableTopics is set without bus.name, the config is refused naming bus.name (the default node id changes with each restart)', () => {
    const issues = issuesOf(() =>
      parseConfig(coreConfigSchema, {
        bus: { transport: 'nats', servers: ['127.0.0.1:1'], durableTopics: ['sarah.task'] },
      }),
    );
    expect(issues).toEqual([expect.objectContaining({ path: 'bus.name' })]);
    expect((issues as { expected: string }[])[0]!.expected).toMatch(
      /^this node's own name, stable across restarts \(durableTopics is set/,
    );
  });

  it('when durable topics reach the factory or the constructor without a name, they refuse it naming bus.name instead of sharing a default consumer', () => {
    const checked = parseConfig(coreConfigSchema, {
      nodeId: 'n',
      bus: { transport: 'nats', servers: ['127.0.0.1:1'] },
    });
    const durable = { ...checked, bus: { ...checked.bus, durableTopics: ['sarah.task'] } };
    const viaFactory = issuesOf(() => natsTransportFactory.create(durable, new RecordingLogger()));
    const viaConstructor = issuesOf(
      () =>
        new NatsTransport({ servers: ['127.0.0.1:1'], durableTopics: ['sarah.task'] }, new RecordingLogger()),
    );
    for (const issues of [viaFactory, viaConstructor]) {
      expect(issues).toEqual([expect.objectContaining({ path: 'bus.name', received: 'undefined' })]);
    }
  });

  it('when the config keeps the in-process default, TOKENS.Transport stays in-process', async () => {
    const container = await containerFor(undefined);
    expect(container.get(TOKENS.Transport)).toBeInstanceOf(InProcessTransport);
  });

  it('when a NATS option is invalid, resolving the transport throws a ConfigError naming bus.<field>', async () => {
    const container = await containerFor({
      transport: 'nats',
      servers: ['127.0.0.1:1'],
      bufferMaxMessages: -1,
    });
    expect(() => container.get(TOKENS.Transport)).toThrow(
      /bus\.bufferMaxMessages: expected a positive integer/,
    );
  });

  it('when a NATS option is misspelt (bus.durableTopic), resolving the transport throws a ConfigError naming it', async () => {
    const container = await containerFor({
      transport: 'nats',
      servers: ['127.0.0.1:1'],
      requestTimeoutMs: 2_000,
      durableTopic: ['sarah.task'],
    });
    expect(() => container.get(TOKENS.Transport)).toThrow(
      /bus\.durableTopic: expected a NATS transport option/,
    );
  });
});
