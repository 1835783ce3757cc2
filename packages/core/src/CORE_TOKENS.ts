/** Service identifiers private to core (the shared ones are in `TOKENS` from contracts). */
export const CORE_TOKENS = {
  /** `MessageBusOptions` for the container's `MessageBus`. */
  MessageBusOptions: Symbol.for('slipstream.core.MessageBusOptions'),
  /** Every `TransportFactory` on offer (multi-bound); `bus.transport` picks one by name. */
  TransportFactory: Symbol.for('slipstream.core.TransportFactory'),
} as const;
