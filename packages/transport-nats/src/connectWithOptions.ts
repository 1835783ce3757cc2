import type { NatsConnection } from '@nats-io/nats-core';

import { connectNats } from './connectNats';
import { authFailure, natsSecurityOptions } from './natsSecurity';
import type { ResolvedNatsTransportOptions } from './NatsTransportOptions';

/**
 * Opens a NATS connection as `NatsTransport` does, from its resolved options: servers, name,
 * inbox prefix, timeouts, reconnects, `auth` and `tls`. Rejects with `NatsAuthError` naming the
 * credential the server refused, `ConfigError` for an unreadable seed or creds file, else with
 * the client's error. The fleet configuration store and watcher connect through it too.
 */
export async function connectWithOptions(o: ResolvedNatsTransportOptions): Promise<NatsConnection> {
  const security = await natsSecurityOptions(o.auth, o.tls);
  return connectNats({
    servers: o.servers,
    name: o.name,
    inboxPrefix: o.inboxPrefix,
    timeout: o.connectTimeoutMs,
    reconnectTimeWait: o.reconnectTimeWaitMs,
    maxReconnectAttempts: o.maxReconnectAttempts,
    waitOnFirstConnect: false,
    ...security,
  }).catch((err: unknown) => {
    throw authFailure(err, o.auth, o.tls) ?? err;
  });
}
