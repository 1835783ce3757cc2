import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import * as transportNode from '@nats-io/transport-node';

/**
 * `connect` of @nats-io/transport-node, typed through @nats-io/nats-core: its own declarations
 * re-export `@nats-io/nats-core/internal`, a subpath that `moduleResolution: node10` cannot
 * resolve, so without this the connection would be typed as an error.
 */
export const connectNats = transportNode.connect as unknown as (
  options: ConnectionOptions,
) => Promise<NatsConnection>;
