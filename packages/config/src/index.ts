export { parseConfig, formatPath } from './parseConfig';
export { configIssue } from './configIssue';
export { describeValue, REDACTED, SECRET_KEY } from './describeValue';
export { nearestName } from './nearestName';
export { knownKeysAt } from './knownKeysAt';
export { toJsonSchema, JSON_SCHEMA_SOURCES } from './toJsonSchema';
export {
  agentOptionsSchema,
  benchmarkSchema,
  MAX_BENCHMARK,
  workloadSchema,
} from './schemas/agentOptionsSchema';
export { batcherOptionsSchema, batchingSchema } from './schemas/batchingSchema';
export { breakerSchema } from './schemas/breakerSchema';
export { checkClusterNames, clientOptionsSchema, clientOptionsShape } from './schemas/clientOptionsSchema';
export {
  BALANCER_ALGORITHM_NAMES,
  clusterListSchema,
  clusterPatchSchema,
  clusterSchema,
  endpointSchema,
  healthCheckSchema,
  outlierDetectionSchema,
} from './schemas/clusterSchema';
export { alertRuleSchema, monitoringSchema } from './schemas/monitoringSchema';
export { originSettingsSchema, poolingSchema, poolManagerOptionsSchema } from './schemas/poolingSchema';
export {
  count,
  isOrigin,
  MAX_TIMER_MS,
  ms,
  name,
  origin,
  percent,
  positiveInt,
  positiveMs,
  urlPath,
} from './schemas/primitives';
export { retrySchema } from './schemas/retrySchema';
export {
  agentsSectionSchema,
  optimizerSectionSchema,
  sarahSectionSchema,
  type AgentsSection,
} from './schemas/agentsSectionSchema';
export { fleetSectionSchema, type FleetSection } from './schemas/fleetSectionSchema';
export {
  sidecarSectionSchema,
  type SidecarSection,
  type SidecarSectionInput,
} from './schemas/sidecarSectionSchema';
export {
  adaptiveConcurrencySchema,
  advancedRoutingSchema,
  qosClassSchema,
  qosClassesSchema,
  routeSchema,
} from './schemas/routingSchema';
export { resolveUpstreamTls, type ResolvedUpstreamTls } from './schemas/resolveUpstreamTls';
export {
  canonicalOrigin,
  sharedOriginConflicts,
  type EndpointPath,
  type SharedOriginConflict,
} from './schemas/sharedOriginConflicts';
export {
  UPSTREAM_CONNECTION_DEFAULTS,
  upstreamConnectionShape,
  upstreamTlsSchema,
} from './schemas/upstreamConnectionSchema';
