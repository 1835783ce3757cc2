import { TOKENS } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';

import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';
import { NATS_TRANSPORT_OPTIONS } from './natsTransportOptionsToken';

/**
 * Binds `TOKENS.Transport` to a singleton `NatsTransport`, configured from the `bus` section
 * of `TOKENS.Config` (`{ bus: { transport: 'nats', servers, name, ... } }`). Load it only
 * when the config selects NATS; in-process stays the default.
 */
export const natsTransportModule = new ContainerModule(({ bind }) => {
  bind(NATS_TRANSPORT_OPTIONS).toDynamicValue((ctx) => {
    const config = ctx.get<{ bus?: NatsTransportOptions }>(TOKENS.Config);
    return config.bus ?? {};
  });
  bind(TOKENS.Transport).to(NatsTransport).inSingletonScope();
});
