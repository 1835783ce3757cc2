import type { EventBus } from './bus';
import type { Logger } from './logger';
import type { ServiceResolver } from './tokens';

/** Liveness and readiness of an agent, with whatever details help an operator. */
export interface AgentHealth {
  /** The agent's process is working (false: restart it). */
  live: boolean;
  /** The agent can take work now (false: route around it). */
  ready: boolean;
  details?: Record<string, unknown>;
}

/** What the orchestrator hands an agent when it starts. */
export interface AgentContext {
  /** The bus shared by every agent on this node. */
  bus: EventBus;
  /** A child logger tagged with the agent's id. */
  logger: Logger;
  /** Resolves services from the container the orchestrator built. */
  services: ServiceResolver;
  /** Aborted when the orchestrator begins to stop. */
  signal: AbortSignal;
}

/** The contract every agent implements. */
export interface Agent {
  /** Unique id, e.g. `network-performance`. */
  readonly id: string;
  /** Human-readable role. */
  readonly role: string;
  /** What the agent can do, e.g. `['connection-pooling', 'batching']`. */
  readonly capabilities: readonly string[];
  /** Ids of agents that must be started before this one. */
  readonly dependsOn?: readonly string[];
  /**
   * Starts the agent. A throw marks it failed; the others keep running. The orchestrator still
   * calls `stop()` on a failed agent at shutdown, so `stop()` must tolerate a half-started agent.
   */
  start(ctx: AgentContext): Promise<void>;
  /** Stops the agent, draining in-flight work. Cut at the orchestrator's drain timeout. */
  stop(): Promise<void>;
  /** Current health. */
  health(): AgentHealth | Promise<AgentHealth>;
}
