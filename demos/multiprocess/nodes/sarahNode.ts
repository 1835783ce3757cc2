/** Process (b): Sarah, whose calls go through the sidecar of process (a) as bus commands. */
import { TOKENS, type EventBus } from '@slipstream/contracts';
import { SarahAgent } from '@slipstream/agent-sarah';
import { ContainerModule } from 'inversify';

import { RemoteNetworkClient, RemoteSidecarAgent } from '@slipstream/sidecar';
import { runNode } from './runNode';

const remoteNetwork = new ContainerModule(({ bind }) => {
  bind(TOKENS.NetworkClient)
    .toDynamicValue((ctx) => new RemoteNetworkClient(ctx.get<EventBus>(TOKENS.EventBus)))
    .inSingletonScope();
});

void runNode('sarah', () => ({
  modules: [remoteNetwork],
  agents: [new RemoteSidecarAgent(), new SarahAgent()],
})).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
