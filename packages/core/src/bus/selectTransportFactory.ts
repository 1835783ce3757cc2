import { ConfigError } from '@slipstream/contracts';
import type { TransportFactory } from './TransportFactory';

/**
 * The factory serving `transport` (the config's `bus.transport`). Throws a `ConfigError` on
 * `bus.transport` naming the transports on offer when none serves it (e.g. `nats` without the
 * NATS transport module loaded).
 */
export function selectTransportFactory(
  factories: readonly TransportFactory[],
  transport: string,
): TransportFactory {
  const factory = factories.find((f) => f.name === transport);
  if (factory !== undefined) return factory;
  const offered = factories.map((f) => JSON.stringify(f.name)).join(', ');
  throw new ConfigError([
    {
      path: 'bus.transport',
      expected: `a transport whose module is loaded (${offered}); for "nats" use natsTransportModule`,
      received: JSON.stringify(transport),
    },
  ]);
}
