import { InProcessTransport } from './InProcessTransport';
import type { TransportFactory } from './TransportFactory';

/** The factory of the default transport, `bus.transport: 'in-process'`. */
export const inProcessTransportFactory: TransportFactory = Object.freeze({
  name: 'in-process',
  create: () => new InProcessTransport(),
});
