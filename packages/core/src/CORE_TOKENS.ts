/** Service identifiers private to core (the shared ones are in `TOKENS` from contracts). */
export const CORE_TOKENS = {
  /** `MessageBusOptions` for the container's `MessageBus`. */
  MessageBusOptions: Symbol.for('slipstream.core.MessageBusOptions'),
} as const;
