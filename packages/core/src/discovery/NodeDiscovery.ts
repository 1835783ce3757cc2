import {
  ConfigError,
  type ConfigIssue,
  type Disposer,
  type EventBus,
  type Logger,
} from '@slipstream/contracts';

/** The part of the bus discovery needs. */
export type DiscoveryBus = Pick<EventBus, 'publish' | 'subscribe'>;

/** An agent as discovery announces it. */
export interface DiscoveredAgent {
  id: string;
  role: string;
  capabilities: readonly string[];
}

/** Options of `NodeDiscovery`. */
export interface NodeDiscoveryOptions {
  /** Id of this node, unique among the nodes on the bus. Required. */
  node: string;
  /** The agents this node runs, announced as `agent.registered`. Defaults to []. */
  agents?: readonly DiscoveredAgent[];
  /** Period of `node.heartbeat`, ms. Defaults to 5_000 ms. */
  intervalMs?: number;
  /** Heartbeats a peer may miss before it is marked offline. Defaults to 3. */
  missed?: number;
}

/** What this node knows of a peer. */
export interface PeerState {
  node: string;
  agentIds: string[];
  /** When its last heartbeat arrived, ms since the epoch. */
  lastSeen: number;
  /** The peer's own heartbeat period, ms. */
  intervalMs: number;
  online: boolean;
}

const DEFAULTS = Object.freeze({ agents: [] as readonly DiscoveredAgent[], intervalMs: 5_000, missed: 3 });

/**
 * Node discovery over any `EventBus`: announces this node's agents (`agent.registered`),
 * sends `node.heartbeat` every `intervalMs`, and marks a peer offline once it missed
 * `missed` heartbeats, publishing `agent.offline`. Of the nodes that see a peer go silent, the
 * online node with the smallest id publishes at once and the others only when no
 * `agent.offline` for it has arrived one interval later, so one event goes out, not one per node.
 * When a peer comes online (first heartbeat, or back after being offline) this node announces
 * its agents again, so a node that joins late learns of the earlier ones: `agent.registered`
 * may therefore repeat and is to be treated as idempotent (keyed by node and agent id).
 */
export class NodeDiscovery {
  readonly #bus: DiscoveryBus;
  readonly #logger: Logger;
  readonly #node: string;
  readonly #agents: readonly DiscoveredAgent[];
  readonly #intervalMs: number;
  readonly #missed: number;
  readonly #peers = new Map<string, PeerState>();
  /** Peers this node saw go silent whose `agent.offline` it has not seen yet, with when. */
  readonly #unreported = new Map<string, number>();
  readonly #disposers: Disposer[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(bus: DiscoveryBus, logger: Logger, options: NodeDiscoveryOptions) {
    this.#bus = bus;
    this.#logger = logger.child({ component: 'node-discovery', node: options.node });
    this.#node = options.node;
    this.#agents = options.agents ?? DEFAULTS.agents;
    this.#intervalMs = options.intervalMs ?? DEFAULTS.intervalMs;
    this.#missed = options.missed ?? DEFAULTS.missed;
    const issues: ConfigIssue[] = [];
    if (typeof this.#node !== 'string' || this.#node === '') {
      issues.push({ path: 'discovery.node', expected: 'a non-empty string', received: String(this.#node) });
    }
    if (!Number.isInteger(this.#intervalMs) || this.#intervalMs <= 0) {
      issues.push({
        path: 'discovery.intervalMs',
        expected: 'a positive integer (ms)',
        received: String(this.#intervalMs),
      });
    }
    if (!Number.isInteger(this.#missed) || this.#missed <= 0) {
      issues.push({
        path: 'discovery.missed',
        expected: 'a positive integer',
        received: String(this.#missed),
      });
    }
    if (issues.length > 0) throw new ConfigError(issues);
  }

  /** Listens for peers, announces this node's agents and starts the heartbeat. */
  async start(): Promise<void> {
    if (this.#timer !== undefined) return;
    this.#disposers.push(
      this.#bus.subscribe('node.heartbeat', (beat) =>
        this.#onHeartbeat(beat.node, beat.agentIds, beat.intervalMs),
      ),
      this.#bus.subscribe('agent.offline', (event) => this.#onOffline(event.node)),
    );
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
    await this.#announce();
    await this.#heartbeat();
  }

  /** Stops the heartbeat and the listening; peers will see this node go offline. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  /** The peers seen so far (this node excluded). */
  peers(): PeerState[] {
    return [...this.#peers.values()].map((p) => ({ ...p, agentIds: [...p.agentIds] }));
  }

  #tick(): void {
    void this.#heartbeat();
    const now = Date.now();
    for (const peer of this.#peers.values()) {
      if (peer.online && now - peer.lastSeen > this.#missed * peer.intervalMs) {
        peer.online = false;
        this.#unreported.set(peer.node, now);
        this.#logger.warn('node went offline', { peer: peer.node, silentMs: now - peer.lastSeen });
      }
    }
    for (const [node, since] of this.#unreported) {
      // The reporter publishes at once; any other node that saw the silence steps in one
      // interval later if no `agent.offline` has arrived by then (the reporter may have died
      // too, or not have noticed yet), so the event is never lost for want of a reporter.
      if (!this.#isReporter() && now - since < this.#intervalMs) continue;
      this.#unreported.delete(node);
      const agentIds = this.#peers.get(node)?.agentIds ?? [];
      this.#bus.publish('agent.offline', { node, agentIds }).catch((err: unknown) => {
        this.#logger.error('could not publish agent.offline', { peer: node, error: String(err) });
      });
    }
  }

  /** Whether this node has the smallest id among the online nodes it knows. */
  #isReporter(): boolean {
    for (const peer of this.#peers.values()) if (peer.online && peer.node < this.#node) return false;
    return true;
  }

  #announce(): Promise<unknown> {
    return Promise.all(
      this.#agents.map((a) =>
        this.#bus.publish('agent.registered', {
          agentId: a.id,
          role: a.role,
          capabilities: a.capabilities,
          node: this.#node,
        }),
      ),
    );
  }

  async #heartbeat(): Promise<void> {
    await this.#bus
      .publish('node.heartbeat', {
        node: this.#node,
        agentIds: this.#agents.map((a) => a.id),
        intervalMs: this.#intervalMs,
      })
      .catch((err: unknown) => this.#logger.warn('heartbeat not sent', { error: String(err) }));
  }

  #onHeartbeat(node: string, agentIds: string[], intervalMs: number): void {
    if (node === this.#node) return;
    this.#unreported.delete(node);
    const known = this.#peers.get(node);
    this.#peers.set(node, { node, agentIds, lastSeen: Date.now(), intervalMs, online: true });
    if (known?.online === true) return;
    this.#logger.info('node online', { peer: node, agentIds });
    this.#announce().catch((err: unknown) => {
      this.#logger.warn('agents not announced to a new peer', { peer: node, error: String(err) });
    });
  }

  #onOffline(node: string): void {
    this.#unreported.delete(node);
    const peer = this.#peers.get(node);
    if (peer !== undefined) peer.online = false;
  }
}
