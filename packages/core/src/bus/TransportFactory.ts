import type { Logger, Transport } from '@slipstream/contracts';
import type { CoreConfig } from '../config/coreConfigSchema';

/**
 * Builds the transport that `bus.transport` names. Packages offer one by binding it to
 * `CORE_TOKENS.TransportFactory` in their module (many may be bound; core binds `in-process`),
 * so a transport is picked by name in config without core depending on its package.
 */
export interface TransportFactory {
  /** The `bus.transport` value it serves, e.g. `nats`. */
  readonly name: string;
  /** Builds the transport, not yet connected. Throws a `ConfigError` naming `bus.<field>` for a bad option. */
  create(config: CoreConfig, logger: Logger): Transport;
}
