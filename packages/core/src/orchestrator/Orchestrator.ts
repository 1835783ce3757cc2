import {
  AgentContractError,
  AgentLifecycleError,
  DuplicateAgentError,
  TOKENS,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type EventBus,
  type Logger,
  type SerializedError,
  type TopicName,
  type TopicPayload,
  type Transport,
} from '@slipstream/contracts';
import { Container, type ContainerModule } from 'inversify';
import { coreConfigSchema, type CoreConfig, type CoreConfigInput } from '../config/coreConfigSchema';
import { parseConfig } from '@slipstream/config';
import { coreModule } from '../coreModule';
import { NodeDiscovery, type DiscoveredAgent, type PeerState } from '../discovery/NodeDiscovery';
import { OrchestratorStateError } from '../errors/OrchestratorStateError';
import { serializeError } from '../errors/serializeError';
import { createLogger } from '../logger/createLogger';
import { checkAgentContract } from './checkAgentContract';
import { ContainerServiceResolver } from './ContainerServiceResolver';
import { resolveStartOrder } from './resolveStartOrder';

/** Where an agent is in its life. */
export type AgentState = 'registered' | 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

/** One agent in the orchestrator's health report. */
export interface AgentStatus {
  state: AgentState;
  /** The agent's own report, when it is running. */
  health?: AgentHealth;
  /** Why it failed, when it did. */
  error?: SerializedError;
}

/** The node's health: liveness (restart it?) and readiness (route to it?), per agent. */
export interface OrchestratorHealth {
  /** False when a running agent reports itself not live. Failed agents are reported, not counted. */
  live: boolean;
  /** True when the orchestrator runs and every agent is running and ready. */
  ready: boolean;
  agents: Record<string, AgentStatus>;
}

/** Options of the orchestrator. */
export interface OrchestratorOptions {
  /** Core configuration, validated with `coreConfigSchema` (node id, bus, drain timeout). Defaults to `{}`: every default. */
  config?: CoreConfigInput;
  /** Root logger. Defaults to `createLogger(config.log)`. */
  logger?: Logger;
}

interface AgentRecord {
  readonly agent: Agent;
  state: AgentState;
  error?: SerializedError;
  /** Its `start()` was called (and may have left timers or sockets behind even if it threw). */
  startCalled?: boolean;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Registers agents, builds one inversify container from core's module and every module given
 * to `use()`, connects the transport `bus.transport` names, starts the agents in dependency order
 * and stops them in reverse with a drain timeout, then closes the transport. Publishes
 * `agent.registered`, `agent.started`, `agent.stopped` and `agent.failed`. An agent whose start
 * throws is marked failed (and so are the agents that depend on it); the others keep running.
 * With `discovery` on (the default over NATS) a `NodeDiscovery` announces the agents, sends
 * heartbeats and reports silent nodes as `agent.offline`. `stop()` during `start()` aborts it:
 * no further agent starts, and the ones started (or starting) are stopped. An agent whose
 * `start()` threw also gets `stop()`, so whatever it set up before throwing is released.
 */
export class Orchestrator {
  /** The validated configuration. */
  readonly config: CoreConfig;
  private readonly logger: Logger;
  private readonly modules: ContainerModule[] = [];
  private readonly records = new Map<string, AgentRecord>();
  private readonly stopping = new AbortController();
  private startOrder: AgentRecord[] = [];
  private container: Container | undefined;
  private bus: EventBus | undefined;
  private discovery: NodeDiscovery | undefined;
  private phase: Phase = 'idle';
  /** Whether a stop-phase wait on the bus was cut: the transport holds what it is given. */
  private busStuck = false;
  private stopped: Promise<void> | undefined;
  private started: Promise<void> | undefined;

  constructor(options: OrchestratorOptions = {}) {
    this.config = parseConfig(coreConfigSchema, options.config ?? {});
    this.logger = options.logger ?? createLogger(this.config.log);
  }

  /** The node id that goes into lifecycle events. */
  get nodeId(): string {
    return this.config.nodeId;
  }

  /** Adds package modules to the container built by `start()`. */
  use(...modules: ContainerModule[]): this {
    this.assertPhase('idle', 'use()');
    this.modules.push(...modules);
    return this;
  }

  /**
   * Registers an agent (before `start()`). Throws `AgentContractError` for a contract violation and
   * `DuplicateAgentError` for a taken id. Its `agent.registered` event goes out from `start()`, once the bus exists.
   */
  register(agent: Agent): this {
    this.assertPhase('idle', 'register()');
    const problems = checkAgentContract(agent);
    if (problems.length > 0) {
      const id = (agent as { id?: unknown } | null)?.id;
      throw new AgentContractError(typeof id === 'string' ? id : '(unknown)', problems);
    }
    if (this.records.has(agent.id)) throw new DuplicateAgentError(agent.id);
    this.records.set(agent.id, { agent, state: 'registered' });
    return this;
  }

  /**
   * Builds the container, connects the transport, starts discovery when it is on, and starts the
   * agents in dependency order. Throws `DependencyError` (unknown dependency or cycle) or a
   * `ConfigError` (no module serves `bus.transport`, a bad transport option) before anything
   * starts; a failing agent does not make it throw. A `stop()` meanwhile cuts it short: it
   * resolves without starting the agents left.
   */
  async start(): Promise<void> {
    this.assertPhase('idle', 'start()');
    this.startOrder = resolveStartOrder([...this.records.values()].map((r) => r.agent)).map((agent) =>
      this.records.get(agent.id)!,
    );
    this.phase = 'starting';
    this.started = this.startAll();
    await this.started;
  }

  private async startAll(): Promise<void> {
    const container = new Container();
    container.bind(TOKENS.Orchestrator).toConstantValue(this);
    await container.load(coreModule({ config: this.config, logger: this.logger }), ...this.modules);
    await container.get<Transport>(TOKENS.Transport).connect();
    const bus = container.get<EventBus>(TOKENS.EventBus);
    this.container = container;
    this.bus = bus;

    const agents: DiscoveredAgent[] = this.startOrder.map(({ agent }) => ({
      id: agent.id,
      role: agent.role,
      capabilities: [...agent.capabilities],
    }));
    const { enabled, intervalMs, missed } = this.config.discovery;
    if (this.stopping.signal.aborted) return;
    if (enabled ?? this.config.bus.transport === 'nats') {
      this.discovery = new NodeDiscovery(bus, this.logger, { node: this.nodeId, agents, intervalMs, missed });
      await this.discovery.start();
    } else {
      for (const { id, role, capabilities } of agents) {
        await this.emit('agent.registered', { agentId: id, role, capabilities, node: this.nodeId });
      }
    }
    const services = new ContainerServiceResolver(container);
    for (const record of this.startOrder) {
      if (this.stopping.signal.aborted) return;
      await this.startAgent(record, bus, services);
    }
    if (!this.stopping.signal.aborted) this.phase = 'running';
  }

  /**
   * Stops the running agents in reverse start order, each cut at the drain timeout (reported as
   * `agent.failed`, phase `stop`), then closes the bus. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopped ??= this.stopAll();
    return this.stopped;
  }

  /** The other nodes discovery has seen (empty when discovery is off). */
  peers(): PeerState[] {
    return this.discovery?.peers() ?? [];
  }

  /** Liveness and readiness of the node and of every agent. */
  async health(): Promise<OrchestratorHealth> {
    const entries = await Promise.all(
      [...this.records.values()].map(async (record): Promise<[string, AgentStatus]> => {
        const status: AgentStatus = { state: record.state };
        if (record.error !== undefined) status.error = record.error;
        if (record.state === 'running') status.health = await this.agentHealth(record.agent);
        return [record.agent.id, status];
      }),
    );
    const statuses = entries.map(([, status]) => status);
    return {
      live: statuses.every((s) => s.health?.live !== false),
      ready: this.phase === 'running' && statuses.every((s) => s.health?.ready === true),
      agents: Object.fromEntries(entries),
    };
  }

  private async startAgent(
    record: AgentRecord,
    bus: EventBus,
    services: ContainerServiceResolver,
  ): Promise<void> {
    const { agent } = record;
    const blocker = (agent.dependsOn ?? []).find((id) => this.records.get(id)?.state !== 'running');
    if (blocker !== undefined) {
      await this.fail(
        record,
        'start',
        new AgentLifecycleError(agent.id, 'start', `dependency "${blocker}" is not running`),
      );
      return;
    }
    record.state = 'starting';
    record.startCalled = true;
    const context: AgentContext = {
      bus,
      logger: this.logger.child({ agent: agent.id }),
      services,
      signal: this.stopping.signal,
    };
    try {
      await agent.start(context);
    } catch (err) {
      await this.fail(
        record,
        'start',
        new AgentLifecycleError(agent.id, 'start', errorMessage(err), { cause: err }),
      );
      return;
    }
    record.state = 'running';
    this.logger.info('agent started', { agent: agent.id });
    await this.emit('agent.started', { agentId: agent.id, node: this.nodeId });
  }

  private async stopAll(): Promise<void> {
    if (this.phase === 'idle') {
      this.phase = 'stopped';
      return;
    }
    this.phase = 'stopping';
    this.stopping.abort(new OrchestratorStateError('the orchestrator is stopping'));
    // A start() under way sees the abort before its next agent; wait for the one it is starting.
    await this.started?.catch((err: unknown) =>
      this.logger.error('start failed while stopping', { error: serializeError(err) }),
    );
    for (const record of [...this.startOrder].reverse()) {
      if (record.state === 'running') await this.stopAgent(record);
      else if (record.state === 'failed' && record.startCalled === true) await this.release(record);
    }
    this.discovery?.stop();
    // A transport that held a lifecycle event past the drain timeout holds the flush too.
    if (!this.busStuck) {
      const flushed = this.bus
        ?.flush()
        .catch((err: unknown) =>
          this.logger.warn('bus flush failed while stopping', { error: serializeError(err) }),
        );
      await this.stopPhaseWait(flushed, 'bus flush');
    }
    await this.stopPhaseWait(this.bus?.close(), 'bus close');
    this.phase = 'stopped';
  }

  /**
   * A stop-phase wait on the bus, at most the drain timeout: a transport that lost its server
   * holds what it is given until it reconnects, which must not keep a stopping node alive. Once
   * one is cut the bus counts as stuck, and later lifecycle events and the flush are not awaited
   * (so a node stops within about one drain timeout of its agents, however many it has).
   */
  private async stopPhaseWait(work: Promise<unknown> | undefined, what: string): Promise<void> {
    if ((await this.withinDrainTimeout(work)) === 'done') return;
    this.busStuck = true;
    this.logger.warn(`${what} cut at the drain timeout (transport unreachable?)`, {
      drainTimeoutMs: this.config.orchestrator.drainTimeoutMs,
    });
  }

  /** Waits for `work` at most the drain timeout. */
  private async withinDrainTimeout(work: Promise<unknown> | undefined): Promise<'done' | 'cut'> {
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>((resolve) => {
      timer = setTimeout(() => resolve('cut'), this.config.orchestrator.drainTimeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve(work).then(() => 'done' as const), cut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async stopAgent(record: AgentRecord): Promise<void> {
    const { agent } = record;
    const drainTimeoutMs = this.config.orchestrator.drainTimeoutMs;
    record.state = 'stopping';
    try {
      const outcome = await this.callStop(agent);
      if (outcome === 'cut') {
        const error = new AgentLifecycleError(agent.id, 'stop', `did not stop within ${drainTimeoutMs} ms`);
        await this.fail(record, 'stop', error);
        await this.emit('agent.stopped', { agentId: agent.id, node: this.nodeId, drained: false });
        return;
      }
    } catch (err) {
      await this.fail(
        record,
        'stop',
        new AgentLifecycleError(agent.id, 'stop', errorMessage(err), { cause: err }),
      );
      return;
    }
    record.state = 'stopped';
    this.logger.info('agent stopped', { agent: agent.id });
    await this.emit('agent.stopped', { agentId: agent.id, node: this.nodeId, drained: true });
  }

  /** Calls `stop()` on an agent whose `start()` threw; it stays failed, an error is only logged. */
  private async release(record: AgentRecord): Promise<void> {
    const agent = record.agent;
    try {
      if ((await this.callStop(agent)) === 'cut') {
        this.logger.warn('failed agent did not release within the drain timeout', { agent: agent.id });
      }
    } catch (err) {
      this.logger.warn('failed agent threw while releasing', { agent: agent.id, error: serializeError(err) });
    }
  }

  /** The agent's `stop()`, cut at the drain timeout; rejects with what it threw. */
  private async callStop(agent: Agent): Promise<'drained' | 'cut'> {
    return (await this.withinDrainTimeout(Promise.resolve(agent.stop()))) === 'done' ? 'drained' : 'cut';
  }

  private async fail(
    record: AgentRecord,
    phase: 'start' | 'stop',
    error: AgentLifecycleError,
  ): Promise<void> {
    record.state = 'failed';
    record.error = error.toJSON();
    this.logger.error('agent failed', {
      agent: record.agent.id,
      phase,
      error: record.error,
      cause: error.cause,
    });
    await this.emit('agent.failed', {
      agentId: record.agent.id,
      node: this.nodeId,
      phase,
      error: record.error,
    });
  }

  private async agentHealth(agent: Agent): Promise<AgentHealth> {
    try {
      return await agent.health();
    } catch (err) {
      return { live: false, ready: false, details: { error: serializeError(err) } };
    }
  }

  /** Publishes a lifecycle event; a failed publish is logged, never thrown into the lifecycle. */
  /**
   * Publishes a lifecycle event; a failure is logged, not thrown. While stopping, the wait is
   * bounded (`stopPhaseWait`), and skipped once the bus is stuck.
   */
  private async emit<T extends TopicName>(topic: T, payload: TopicPayload<T>): Promise<void> {
    const published = this.bus
      ?.publish(topic, payload)
      .catch((err: unknown) =>
        this.logger.error('lifecycle event could not be published', { topic, error: serializeError(err) }),
      );
    if (this.phase !== 'stopping') return void (await published);
    if (!this.busStuck) await this.stopPhaseWait(published, `lifecycle event ${topic}`);
  }

  private assertPhase(expected: Phase, method: string): void {
    if (this.phase !== expected) {
      throw new OrchestratorStateError(
        `${method} is allowed only before start(); the orchestrator is ${this.phase}`,
      );
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
