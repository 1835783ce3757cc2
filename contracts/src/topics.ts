import type { SerializedError } from './errors/SlipstreamError';
import type {
  AdvancedRoutingConfig,
  AlertMetric,
  CircuitBreakerConfig,
  ConnectionPoolingConfig,
  LoadBalancingConfig,
  NetworkBenchmarkOptions,
  NetworkMonitoringConfig,
  RequestBatchingConfig,
} from './network/configs';
import type { BreakerState, NetworkMetricsSnapshot } from './network/metrics';
import type { PairedComparison } from './network/pairedComparison';
import type {
  AdvancedRoutingResult,
  CircuitBreakerResult,
  ConnectionPoolingResult,
  LoadBalancingResult,
  NetworkBenchmarkResult,
  NetworkMonitoringResult,
  NetworkOptimizationResult,
  RequestBatchingResult,
} from './network/results';

/** A circuit breaker changed state. */
export interface BreakerEvent {
  endpoint: string;
  cluster?: string;
  from: BreakerState;
  to: BreakerState;
  reason: string;
}

/** An alert fired or resolved. */
export interface AlertEvent {
  rule: string;
  metric: AlertMetric;
  severity: 'info' | 'warning' | 'critical';
  value: number;
  threshold: number;
  cluster?: string;
  message: string;
}

/** A task for Sarah. */
export interface SarahTask {
  taskId: string;
  kind: 'aggregate';
  /** Maps onto a QoS class. Defaults to 'standard'. */
  priority?: 'critical' | 'standard' | 'bulk';
  /** Absolute deadline, ms since the epoch. */
  deadline?: number;
  params?: Record<string, unknown>;
}

/** An optimizer decision with the figures it was based on. */
export interface OptimizerEvent {
  rule: string;
  change: Record<string, unknown>;
  metric: string;
  /** The target metric before the change (at a recommendation), or the median of the A/B's old blocks. */
  before: number;
  /** The median of the A/B's new blocks (applied, reverted after an A/B). */
  after?: number;
  reason: string;
  /** The A/B that decided (applied, reverted after an A/B). */
  comparison?: PairedComparison;
}

/**
 * Every event topic and the type of its payload. A subscriber's payload type follows from
 * the topic it names. A package adds its own topics by declaration merging, in a module of its
 * own that the package's index imports:
 *
 * ```ts
 * declare module '@slipstream/contracts' {
 *   interface TopicMap {
 *     'cache.evicted': { key: string };
 *   }
 * }
 * ```
 */
export interface TopicMap {
  'agent.registered': { agentId: string; role: string; capabilities: readonly string[]; node: string };
  'agent.started': { agentId: string; node: string };
  'agent.stopped': { agentId: string; node: string; drained: boolean };
  'agent.failed': { agentId: string; node: string; phase: 'start' | 'stop'; error: SerializedError };
  'agent.offline': { node: string; agentIds: string[] };
  'node.heartbeat': { node: string; agentIds: string[]; intervalMs: number };
  'bus.handler.error': { topic: string; subscription: string; error: SerializedError };
  /**
   * A durable message given up on (after `maxDeliver` failed deliveries, or malformed), stored on
   * the dead-letter `subject` with its headers and the last `error`; `id` is its envelope id.
   */
  'bus.deadletter': {
    topic: string;
    subject: string;
    consumer: string;
    id?: string;
    deliveries: number;
    streamSeq: number;
    error: SerializedError;
  };
  'network.breaker.opened': BreakerEvent;
  'network.breaker.halfOpen': BreakerEvent;
  'network.breaker.closed': BreakerEvent;
  'network.endpoint.ejected': { cluster: string; endpoint: string; durationMs: number; failures: number };
  'network.endpoint.restored': { cluster: string; endpoint: string };
  'network.failover': { cluster: string; fromTier: number; toTier: number; healthyPercent: number };
  'network.route.changed': { route: string; from: string; to: string; reason: string };
  'network.limit.changed': { cluster: string; from: number; to: number };
  'network.alert.fired': AlertEvent;
  'network.alert.resolved': AlertEvent;
  'network.metrics.snapshot': NetworkMetricsSnapshot;
  'optimizer.recommendation': OptimizerEvent;
  'optimizer.applied': OptimizerEvent;
  'optimizer.reverted': OptimizerEvent;
  /** A node applied fleet configuration `revision` (its previous one: `previous`). */
  'config.applied': { node: string; revision: number; previous?: number };
  /** A node refused fleet configuration `revision` for `reason` and keeps `current`. */
  'config.rejected': { node: string; revision: number; reason: string; current?: number };
  'sarah.task': SarahTask;
  /** `attempt`: the delivery attempt that completed it (above 1 when it was redelivered). */
  'sarah.task.completed': {
    taskId: string;
    worker: string;
    durationMs: number;
    calls: number;
    result: unknown;
    attempt: number;
  };
  'sarah.task.failed': {
    taskId: string;
    worker: string;
    durationMs: number;
    error: SerializedError;
    attempt: number;
  };
}

/** The commands the NetworkPerformanceAgent answers: its request and reply types. */
export interface NetworkCommandMap {
  'network.pooling.configure': { request: ConnectionPoolingConfig; reply: ConnectionPoolingResult };
  'network.batching.configure': { request: RequestBatchingConfig; reply: RequestBatchingResult };
  'network.balancing.configure': { request: LoadBalancingConfig; reply: LoadBalancingResult };
  'network.breaker.configure': { request: CircuitBreakerConfig; reply: CircuitBreakerResult };
  'network.monitoring.configure': { request: NetworkMonitoringConfig; reply: NetworkMonitoringResult };
  'network.routing.configure': { request: AdvancedRoutingConfig; reply: AdvancedRoutingResult };
  'network.optimize': { request: Record<string, never>; reply: NetworkOptimizationResult };
  'network.benchmark': { request: NetworkBenchmarkOptions; reply: NetworkBenchmarkResult };
}

/**
 * Every request/reply command: its request and reply types. A package adds its own commands by
 * declaration merging, as for `TopicMap` (see `@slipstream/sidecar`'s `network.proxy.*`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the open map packages merge their commands into
export interface CommandMap extends NetworkCommandMap {}

/** A known event topic. */
export type TopicName = keyof TopicMap;
/** The payload type of an event topic. */
export type TopicPayload<T extends TopicName> = TopicMap[T];
/** A known command topic. */
export type CommandName = keyof CommandMap;
/** A command the NetworkPerformanceAgent answers. */
export type NetworkCommandName = keyof NetworkCommandMap;
/** The request type of a command. */
export type CommandRequest<C extends CommandName> = CommandMap[C]['request'];
/** The reply type of a command. */
export type CommandReply<C extends CommandName> = CommandMap[C]['reply'];
