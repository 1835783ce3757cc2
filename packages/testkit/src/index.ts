export type {
  Behaviour,
  BehaviourMatch,
  BehaviourRule,
  LatencySpec,
  ResponseEncoding,
  RpcBehaviour,
  RpcId,
  SlowBody,
} from './behaviour/Behaviour';
export type { RequestOutcome, RequestRecord, UpstreamCounters } from './counters/UpstreamCounters';
export { UpstreamClosedError } from './errors/UpstreamClosedError';
export { WaitTimeoutError } from './errors/WaitTimeoutError';
export { freePort } from './net/freePort';
export { createPrng, type Prng } from './random/createPrng';
export { sampleLatency } from './random/sampleLatency';
export { RPC_METHODS } from './rpc/rpcMethods';
export type { Upstream } from './server/Upstream';
export { UPSTREAM_DEFAULTS, type UpstreamOptions, type UpstreamTlsOptions } from './server/UpstreamOptions';
export { UpstreamServer } from './server/UpstreamServer';
export { BEHAVIOUR_HEADER, UPSTREAM_HEADER } from './http/headerNames';
export type { ForwardTarget } from './forward/ForwardTarget';
export { startUpstream, startUpstreams } from './startUpstream';
export { ProcessStartError } from './errors/ProcessStartError';
export { UpstreamProcessError } from './errors/UpstreamProcessError';
export {
  FORK_DEFAULTS,
  forkTsProcess,
  type ForkedTsProcess,
  type ForkTsProcessOptions,
} from './process/forkTsProcess';
export { SpawnedUpstream } from './process/SpawnedUpstream';
export { SPAWN_DEFAULTS, spawnUpstream, type SpawnUpstreamOptions } from './process/spawnUpstream';
export { TESTKIT_TOKENS, testkitModule, type UpstreamFactory } from './testkitModule';
export {
  makeTestCertificates,
  type CertificateFiles,
  type TestCertificateOptions,
  type TestCertificates,
} from './tls/makeTestCertificates';
export { Http2Upstream, type Http2UpstreamCounters, type Http2UpstreamOptions } from './server/Http2Upstream';
