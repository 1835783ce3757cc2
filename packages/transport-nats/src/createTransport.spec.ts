import type { Transport } from '@slipstream/contracts';

import { RecordingLogger } from '../test/RecordingLogger';
import { createTransport } from './createTransport';
import { NatsTransport } from './NatsTransport';

describe(createTransport, () => {
  const inProcess = { name: 'in-process' } as Transport;
  const deps = { logger: new RecordingLogger(), inProcess: () => inProcess };

  it('when the config names no transport, returns the in-process one', () => {
    expect(createTransport(undefined, deps)).toBe(inProcess);
    expect(createTransport({}, deps)).toBe(inProcess);
  });

  it("when the config selects 'nats', returns a NatsTransport with its options", () => {
    const t = createTransport({ transport: 'nats', servers: ['127.0.0.1:1'], name: 'n1' }, deps);
    expect(t).toBeInstanceOf(NatsTransport);
    expect((t as NatsTransport).options).toMatchObject({ servers: ['127.0.0.1:1'], name: 'n1' });
  });
});
