import { CORE_TOKENS, type TransportFactory } from '@slipstream/core';
import { ContainerModule } from 'inversify';

import { natsTransportFactory } from './natsTransportFactory';

/**
 * Offers the NATS transport to the orchestrator: `orchestrator.use(natsTransportModule)`, and
 * `bus: { transport: 'nats', servers, ... }` in the config selects it (core then binds
 * `TOKENS.Transport` to one `NatsTransport`). With the in-process default it changes nothing, so
 * it may always be loaded.
 */
export const natsTransportModule = new ContainerModule(({ bind }) => {
  bind<TransportFactory>(CORE_TOKENS.TransportFactory).toConstantValue(natsTransportFactory);
});
