/**
 * Service identifier of the `NatsTransportOptions` a `NatsTransport` is built with
 * (package-local until contracts hold one).
 */
export const NATS_TRANSPORT_OPTIONS = Symbol.for('slipstream.NatsTransportOptions');
