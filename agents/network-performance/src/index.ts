export { NetworkPerformanceAgent } from './NetworkPerformanceAgent';
export {
  AGENT_DEFAULTS,
  resolveAgentOptions,
  type NetworkPerformanceAgentOptions,
  type ResolvedAgentOptions,
  type WorkloadOptions,
} from './NetworkPerformanceAgentOptions';
export { NETWORK_PERFORMANCE_OPTIONS } from './NETWORK_PERFORMANCE_OPTIONS';
export { networkPerformanceModules } from './networkPerformanceModules';
export { measureWorkload, type Workload, type WorkloadTarget } from './measure/measureWorkload';
export { directTarget } from './measure/directTarget';
export { machineInfo } from './measure/machineInfo';
export {
  planOptimizations,
  PLAN_THRESHOLDS,
  type ConfigPatch,
  type OptimizationInput,
  type PlannedStep,
} from './optimize/planOptimizations';
export { goodput } from './optimize/interleavedAb';
export { NETWORK_COMMANDS, type NetworkCommand } from './commands/NETWORK_COMMANDS';
export { checkPayload } from './commands/checkPayload';
export { registerCommands } from './commands/registerCommands';
export { AgentNotStartedError } from './errors/AgentNotStartedError';
export { systemConfigSchema, type SystemConfig, type SystemConfigInput } from './config/systemConfigSchema';
export { buildNetworkPipeline } from './config/buildNetworkPipeline';
export { configuredAgents } from './config/configuredAgents';
export { validateSystemConfig, type ValidatedSystemConfig } from './config/validateSystemConfig';
export { readConfigFile } from './config/readConfigFile';
export { planReload, type ReloadPlan, type ReloadStep } from './config/planReload';
export {
  ConfigFileAgent,
  type ConfigFileAgentOptions,
  type ConfigReloadResult,
} from './config/ConfigFileAgent';
