export { INSECURE_TLS_WARNING, NetworkClient, type NetworkClientStats } from './NetworkClient';
export { checkClusterConnections } from './upstreamOrigins';
export type { NetworkClientSettings } from './NetworkClientSettings';
export {
  CLIENT_DEFAULTS,
  resolveClientOptions,
  type ClientClusterConfig,
  type ClientRetryOptions,
  type NetworkClientOptions,
  type ResolvedClientOptions,
} from './NetworkClientOptions';
export type {
  ClientCallOptions,
  ClientNotifyOptions,
  ClientRequest,
  ClientRequestOptions,
} from './ClientRequest';
export { ClientDispatcher, type DispatchTarget } from './dispatcher/ClientDispatcher';
export { NoRouteError } from './errors/NoRouteError';
export { PipelineStepError } from './errors/PipelineStepError';
export { UpstreamResponseError } from './errors/UpstreamResponseError';
export { UnsupportedBodyError } from './errors/UnsupportedBodyError';
export type { PipelineResponse, PipelineStep, StepContext } from './pipeline/PipelineStep';
export { CLIENT_OPTIONS } from './CLIENT_OPTIONS';
export { DEFAULT_CLIENT_FACTORIES, type ClientFactories } from './ClientFactories';
export { clientModule } from './clientModule';
export {
  createNetworkClient,
  type CreateNetworkClientOptions,
  type NetworkClientDeps,
} from './createNetworkClient';
