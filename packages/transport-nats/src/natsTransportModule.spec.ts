import { TOKENS } from '@slipstream/contracts';
import { Container } from 'inversify';

import { RecordingLogger } from '../test/RecordingLogger';
import { NatsTransport } from './NatsTransport';
import { natsTransportModule } from './natsTransportModule';

describe('natsTransportModule', () => {
  it('binds TOKENS.Transport to one NatsTransport configured from the bus section of the config', async () => {
    const container = new Container();
    container.bind(TOKENS.Config).toConstantValue({ bus: { transport: 'nats', name: 'node-1' } });
    container.bind(TOKENS.Logger).toConstantValue(new RecordingLogger());
    await container.load(natsTransportModule);
    const transport = container.get<NatsTransport>(TOKENS.Transport);
    expect(transport).toBeInstanceOf(NatsTransport);
    expect(transport.options.name).toBe('node-1');
    expect(container.get(TOKENS.Transport)).toBe(transport);
  });
});
