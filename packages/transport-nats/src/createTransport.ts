import type { Logger, Transport } from '@slipstream/contracts';

import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';

/** The `bus` section of the config: in-process (the default) or NATS with its options. */
export type BusTransportConfig =
  { transport?: 'in-process' } | ({ transport: 'nats' } & NatsTransportOptions);

/** What `createTransport` needs besides the config. */
export interface CreateTransportDeps {
  logger: Logger;
  /** Builds the in-process transport (core's), used unless the config selects NATS. */
  inProcess: () => Transport;
}

/** The transport the config selects: `NatsTransport` for `transport: 'nats'`, else the in-process one. */
export function createTransport(
  config: BusTransportConfig | undefined,
  deps: CreateTransportDeps,
): Transport {
  if (config?.transport !== 'nats') return deps.inProcess();
  const { transport: _selector, ...options } = config;
  return new NatsTransport(options, deps.logger);
}
