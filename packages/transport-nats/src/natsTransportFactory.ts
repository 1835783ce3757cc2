import type { TransportFactory } from '@slipstream/core';

import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';

/**
 * Serves `bus.transport: 'nats'`: a `NatsTransport` built from the `bus` section (its fields
 * pass through core's schema and are validated here, a `ConfigError` naming `bus.<field>`),
 * named after the node id unless `bus.name` says otherwise. With `bus.durableTopics` the name is
 * `bus.name` alone, and required: the node id's default (`<hostname>-<pid>`) changes with every
 * restart, and a durable broadcast consumer named from it would be abandoned by each one.
 */
export const natsTransportFactory: TransportFactory = Object.freeze<TransportFactory>({
  name: 'nats',
  create: (config, logger) => {
    const bus = config.bus as NatsTransportOptions;
    const durable = Array.isArray(bus.durableTopics) && bus.durableTopics.length > 0;
    return new NatsTransport({ ...bus, name: bus.name ?? (durable ? undefined : config.nodeId) }, logger);
  },
});
