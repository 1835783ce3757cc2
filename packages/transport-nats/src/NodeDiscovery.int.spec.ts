import { MessageBus, NodeDiscovery } from '@slipstream/core';

import { RecordingLogger } from '../test/RecordingLogger';
import { SHARED_NATS, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { NatsTransport } from './NatsTransport';

const namespace = `sliph${uniqueSuffix()}`;
const logger = new RecordingLogger();
const buses: MessageBus[] = [];

async function bus(source: string): Promise<MessageBus> {
  const transport = new NatsTransport({ servers: [SHARED_NATS], namespace }, logger);
  await transport.connect();
  const b = new MessageBus(transport, logger, { source });
  buses.push(b);
  return b;
}

afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

describe(NodeDiscovery, () => {
  it('when a node stops heartbeating over NATS, agent.registered and agent.offline reach the other node', async () => {
    const busA = await bus('node-a');
    const busB = await bus('node-b');
    const registered: string[] = [];
    const offline: string[] = [];
    busA.subscribe('agent.registered', (p) => void registered.push(p.agentId));
    busA.subscribe('agent.offline', (p) => void offline.push(p.node));
    await busA.flush();
    const a = new NodeDiscovery(busA, logger, { node: 'node-a', intervalMs: 100, missed: 2 });
    const b = new NodeDiscovery(busB, logger, {
      node: 'node-b',
      agents: [{ id: 'sarah', role: 'worker', capabilities: [] }],
      intervalMs: 100,
      missed: 2,
    });
    await a.start();
    await b.start();
    await waitFor(() => registered.includes('sarah') && a.peers().some((p) => p.node === 'node-b'));
    b.stop();
    await waitFor(() => offline.includes('node-b'), 20_000);
    expect(a.peers().find((p) => p.node === 'node-b')).toMatchObject({ online: false, agentIds: ['sarah'] });
    a.stop();
  });
});
