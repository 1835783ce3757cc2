/**
 * Service identifiers local to this package (contracts hold the shared ones). Bind them to
 * configure the services `routingModule` binds.
 */
export const ROUTING_TOKENS = {
  /** `RouterOptions` for the bound `Router`. Optional. */
  RouterOptions: Symbol.for('slipstream.routing.RouterOptions'),
  /** `QosSchedulerOptions` for the bound `QosScheduler`. Optional. */
  QosSchedulerOptions: Symbol.for('slipstream.routing.QosSchedulerOptions'),
} as const;
