/** Resolves services from the orchestrator's container, without depending on inversify. */
export interface ServiceResolver {
  /** The service bound to `id`; throws when none is. */
  get<T>(id: symbol): T;
  /** Whether anything is bound to `id`. */
  isBound(id: symbol): boolean;
}

/**
 * The container's service identifiers. Packages bind them in their `ContainerModule`;
 * constructors take them with an explicit `@inject(TOKENS.X)`. Each is `Symbol.for`, so two
 * installed copies of the contracts agree on them.
 */
export const TOKENS = {
  Logger: Symbol.for('slipstream.Logger'),
  EventBus: Symbol.for('slipstream.EventBus'),
  Transport: Symbol.for('slipstream.Transport'),
  Orchestrator: Symbol.for('slipstream.Orchestrator'),
  PoolManager: Symbol.for('slipstream.PoolManager'),
  ClusterManager: Symbol.for('slipstream.ClusterManager'),
  HealthChecker: Symbol.for('slipstream.HealthChecker'),
  BreakerRegistry: Symbol.for('slipstream.BreakerRegistry'),
  RetryPolicy: Symbol.for('slipstream.RetryPolicy'),
  /** The implementation of each balancer algorithm name (`@slipstream/balancer`'s `BalancerAlgorithmRegistry`). */
  BalancerAlgorithms: Symbol.for('slipstream.BalancerAlgorithms'),
  /** How the client builds its router, scheduler, batchers and hedgers (`@slipstream/client`'s `ClientFactories`). */
  ClientFactories: Symbol.for('slipstream.ClientFactories'),
  /** Steps added to every attempt of the client's pipeline (multi-bound; `@slipstream/client`'s `PipelineStep`). */
  PipelineStep: Symbol.for('slipstream.PipelineStep'),
  NetworkClient: Symbol.for('slipstream.NetworkClient'),
  RequestObserver: Symbol.for('slipstream.RequestObserver'),
  MetricsRegistry: Symbol.for('slipstream.MetricsRegistry'),
  AlertManager: Symbol.for('slipstream.AlertManager'),
  AdminServer: Symbol.for('slipstream.AdminServer'),
} as const;
