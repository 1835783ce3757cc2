export { DEAD_LETTER_HEADERS, NatsTransport, type NatsTransportStats } from './NatsTransport';
export {
  NATS_TRANSPORT_DEFAULTS,
  resolveNatsTransportOptions,
  type NatsTransportOptions,
  type ResolvedNatsTransportOptions,
} from './NatsTransportOptions';
export { NATS_TRANSPORT_OPTIONS } from './natsTransportOptionsToken';
export { natsTransportModule } from './natsTransportModule';
export { natsTransportFactory } from './natsTransportFactory';
export { connectNats } from './connectNats';
export { EnvelopeCodec } from './EnvelopeCodec';
export { PublishBuffer, type PublishBufferStats } from './PublishBuffer';
export { PayloadTooLargeError } from './errors/PayloadTooLargeError';
export { MalformedMessageError } from './errors/MalformedMessageError';
export { DurableTopicRequestError } from './errors/DurableTopicRequestError';
export {
  NodeDiscovery,
  type DiscoveredAgent,
  type DiscoveryBus,
  type NodeDiscoveryOptions,
  type PeerState,
} from '@slipstream/core';
export { JetStreamChannel, type DurableConsumption, type JetStreamChannelOptions } from './JetStreamChannel';
export { connectWithOptions } from './connectWithOptions';
export { NatsAuthError } from './errors/NatsAuthError';
export { FleetConfigStore, type FleetConfigStoreOptions } from './fleet/FleetConfigStore';
export {
  FleetConfigWatcher,
  type AppliedFleetConfig,
  type FleetConfigWatcherOptions,
} from './fleet/FleetConfigWatcher';
export {
  FLEET_CONFIG_DEFAULTS,
  type FleetConfigLocation,
  type FleetNodeStatus,
} from './fleet/fleetConfigBucket';
