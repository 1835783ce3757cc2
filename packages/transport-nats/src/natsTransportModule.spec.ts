import { TOKENS } from '@slipstream/contracts';
import { coreModule, InProcessTransport, parseConfig, coreConfigSchema } from '@slipstream/core';
import { Container } from 'inversify';

import { RecordingLogger } from '../test/RecordingLogger';
import { NatsTransport } from './NatsTransport';
import { natsTransportModule } from './natsTransportModule';

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
      namespace: 'ns',
      durableTopics: ['sarah.task'],
    });
    const transport = container.get<NatsTransport>(TOKENS.Transport);
    expect(transport).toBeInstanceOf(NatsTransport);
    expect(transport.options).toMatchObject({
      servers: ['127.0.0.1:1'],
      name: 'node-1',
      namespace: 'ns',
      durableTopics: ['sarah.task'],
    });
    expect(container.get(TOKENS.Transport)).toBe(transport);
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
