export { ConsistentHashBalancer } from './algorithms/ConsistentHashBalancer';
export type { ConsistentHashOptions } from './algorithms/ConsistentHashBalancer';
export {
  BALANCER_ALGORITHMS,
  createBalancer,
  DEFAULT_BALANCER_ALGORITHMS,
  type BalancerAlgorithmRegistry,
  type BalancerFactory,
} from './algorithms/createBalancer';
export { LeastOutstandingBalancer } from './algorithms/LeastOutstandingBalancer';
export { PeakEwmaBalancer } from './algorithms/PeakEwmaBalancer';
export { RandomBalancer } from './algorithms/RandomBalancer';
export { RoundRobinBalancer } from './algorithms/RoundRobinBalancer';
export { Cluster, CLUSTER_DEFAULTS, validateClusterConfig } from './Cluster';
export type { ClusterDeps, ClusterHooks, ClusterPickRequest } from './Cluster';
export { ClusterManager } from './ClusterManager';
export { EndpointState } from './EndpointState';
export type { EndpointEffect, EndpointStateOptions, RequestOutcome } from './EndpointState';
export { HEALTH_CHECK_DEFAULTS, HealthChecker, resolveHealthCheckOptions } from './HealthChecker';
export type { HealthCheckerDeps, HealthCheckOptions, HealthTarget } from './HealthChecker';
export { httpProbe } from './httpProbe';
export type { HealthProbe } from './httpProbe';
export type { LoadBalancer, PickContext } from './LoadBalancer';
export { OUTLIER_DEFAULTS, OutlierDetector } from './OutlierDetector';
export type { OutlierDetectorOptions, OutlierHooks } from './OutlierDetector';
export { seededRandom } from './random';
export type { Clock, RandomSource } from './random';
export { resolveStickyKey } from './stickyKey';
export type { HeaderMap } from './stickyKey';
