export { InProcessTransport, type InProcessTransportOptions } from './bus/InProcessTransport';
export { MessageBus, type MessageBusOptions } from './bus/MessageBus';
export { TopicPattern } from './bus/TopicPattern';
export type { TransportFactory } from './bus/TransportFactory';
export { inProcessTransportFactory } from './bus/inProcessTransportFactory';
export { selectTransportFactory } from './bus/selectTransportFactory';
export {
  NodeDiscovery,
  type DiscoveredAgent,
  type DiscoveryBus,
  type NodeDiscoveryOptions,
  type PeerState,
} from './discovery/NodeDiscovery';
export { findNonSerializable } from './bus/findNonSerializable';
export { InvalidTopicError } from './errors/InvalidTopicError';
export { serializeError } from './errors/serializeError';
export { asError } from './errors/asError';
export { CORE_TOKENS } from './CORE_TOKENS';
export {
  createLogger,
  LOG_LEVELS,
  type LogLevel,
  type LogFormat,
  type LoggerOptions,
} from './logger/createLogger';
export {
  createRedactor,
  redactSecrets,
  SECRET_KEY,
  REDACTED,
  type Redactor,
  type RedactorOptions,
} from './logger/redactSecrets';
export { redactUrls, DEFAULT_SECRET_QUERY_PARAMS } from './logger/redactUrls';
export { parseConfig } from '@slipstream/config';
export {
  coreConfigSchema,
  CORE_BUS_KEYS,
  natsAuthSchema,
  natsTlsSchema,
  natsSecuritySchema,
  type NatsAuthOptions,
  type NatsTlsOptions,
  type CoreConfig,
  type CoreConfigInput,
} from './config/coreConfigSchema';
export { loadConfigFile } from './config/loadConfigFile';
export {
  Orchestrator,
  type OrchestratorOptions,
  type OrchestratorHealth,
  type AgentStatus,
  type AgentState,
} from './orchestrator/Orchestrator';
export { installSignalHandlers, type SignalHandlerOptions } from './orchestrator/installSignalHandlers';
export { resolveStartOrder } from './orchestrator/resolveStartOrder';
export { checkAgentContract } from './orchestrator/checkAgentContract';
export { ContainerServiceResolver } from './orchestrator/ContainerServiceResolver';
export { OrchestratorStateError } from './errors/OrchestratorStateError';
export { coreModule, type CoreModuleOptions } from './coreModule';
