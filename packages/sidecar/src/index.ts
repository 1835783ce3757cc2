import './remote/proxyCommands';

export { runSidecar, SIDECAR_EXIT, type RunSidecarOptions, type SidecarReadyMessage } from './runSidecar';
export { startSidecar, type RunningSidecar, type StartSidecarOptions } from './startSidecar';
export { parseSidecarConfig, type SidecarConfig, type SidecarConfigInput } from './config/SidecarConfig';
export { loadSidecarConfig } from './config/loadSidecarConfig';
export {
  fleetSectionSchema,
  sidecarSectionSchema,
  type FleetSection,
  type SidecarSection,
  type SidecarSectionInput,
} from '@slipstream/config';
export { SidecarAgent } from './SidecarAgent';
export {
  SidecarProxy,
  type DrainReport,
  type ProxyTarget,
  type SidecarProxyOptions,
} from './proxy/SidecarProxy';
export type { ProxyStatsSnapshot } from './proxy/ProxyStats';
export { CONTROL_HEADERS } from './proxy/forwardedRequest';
export { RefusedRequestError, REFUSAL_STATUS, type RefusalReason } from './errors/RefusedRequestError';
export { applyConfigChange, type ConfigChange } from './reload/applyConfigChange';
export { NetworkProxyAgent } from './remote/NetworkProxyAgent';
export { RemoteNetworkClient, type RemoteNetworkClientOptions } from './remote/RemoteNetworkClient';
export { RemoteSidecarAgent, type RemoteSidecarAgentOptions } from './remote/RemoteSidecarAgent';
export { SidecarUnreachableError } from './remote/SidecarUnreachableError';
export type { ProxyHttpRequest, ProxyHttpResponse, ProxyRpcCall } from './remote/proxyCommands';
export { parseFleetConfig, type FleetConfig } from './fleet/parseFleetConfig';
export { FleetConfigAgent, type FleetConfigAgentOptions } from './fleet/FleetConfigAgent';
export {
  configStatus,
  pushConfig,
  type FleetCommandOptions,
  type FleetConfigStatus,
} from './fleet/fleetCommands';
export { FleetConfigPusher, type FleetSettingsCommand } from './fleet/FleetConfigPusher';
