import type { TransportFactory } from '@slipstream/core';

import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';

/**
 * Serves `bus.transport: 'nats'`: a `NatsTransport` built from the `bus` section (its fields
 * pass through core's schema and are validated here, a `ConfigError` naming `bus.<field>`),
 * named after the node id unless `bus.name` says otherwise.
 */
export const natsTransportFactory: TransportFactory = Object.freeze<TransportFactory>({
  name: 'nats',
  create: (config, logger) => {
    const bus = config.bus as NatsTransportOptions;
    return new NatsTransport({ ...bus, name: bus.name ?? config.nodeId }, logger);
  },
});
