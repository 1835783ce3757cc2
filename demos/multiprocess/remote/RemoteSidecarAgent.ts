import {
  ConfigError,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type Disposer,
} from '@slipstream/contracts';
import { NetworkProxyAgent } from './NetworkProxyAgent';
import { SidecarUnreachableError } from './SidecarUnreachableError';

/** Options of `RemoteSidecarAgent`. */
export interface RemoteSidecarAgentOptions {
  /** How long `start()` waits for a heartbeat of the sidecar's node, ms. Defaults to 30_000 ms. */
  waitMs?: number;
}

const DEFAULTS = Object.freeze({ waitMs: 30_000 });

/**
 * Stands for the network sidecar in a process that has none, under the sidecar's id
 * (`network-performance`), so agents that depend on it (Sarah, the optimizer) start once it is
 * reachable: `start()` resolves when a node heartbeat (node discovery) lists the
 * `NetworkProxyAgent`, and rejects after `waitMs`. Not ready while that node is offline.
 */
export class RemoteSidecarAgent implements Agent {
  readonly id = 'network-performance';
  readonly role = 'Remote network sidecar: reached over the bus through its proxy';
  readonly capabilities = ['remote-sidecar'] as const;
  readonly #waitMs: number;
  #sidecarNode: string | undefined;
  #online = false;
  #disposers: Disposer[] = [];

  constructor(options: RemoteSidecarAgentOptions = {}) {
    this.#waitMs = options.waitMs ?? DEFAULTS.waitMs;
    if (!Number.isInteger(this.#waitMs) || this.#waitMs <= 0) {
      throw new ConfigError([
        { path: 'waitMs', expected: 'a positive integer (ms)', received: String(this.#waitMs) },
      ]);
    }
  }

  /** Waits for the sidecar node's heartbeat, then follows it going offline and back. */
  start(ctx: AgentContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#dispose();
        reject(
          new SidecarUnreachableError(
            `no sidecar node (agent "${NetworkProxyAgent.ID}") within ${this.#waitMs} ms`,
          ),
        );
      }, this.#waitMs);
      this.#disposers = [
        ctx.bus.subscribe('node.heartbeat', ({ node, agentIds }) => {
          if (node === ctx.bus.source || !agentIds.includes(NetworkProxyAgent.ID)) return;
          this.#sidecarNode = node;
          this.#online = true;
          clearTimeout(timer);
          resolve();
        }),
        ctx.bus.subscribe('agent.offline', ({ node }) => {
          if (node === this.#sidecarNode) this.#online = false;
        }),
        () => clearTimeout(timer),
      ];
    });
  }

  /** Stops following the sidecar. */
  stop(): Promise<void> {
    this.#dispose();
    return Promise.resolve();
  }

  /** Ready while the sidecar's node is online. */
  health(): AgentHealth {
    return { live: true, ready: this.#online, details: { sidecarNode: this.#sidecarNode ?? null } };
  }

  #dispose(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }
}
