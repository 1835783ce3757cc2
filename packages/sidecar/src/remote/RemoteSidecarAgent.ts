import {
  AgentLifecycleError,
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
 * `NetworkProxyAgent`, and rejects after `waitMs`, or at once when the orchestrator begins to stop
 * (`ctx.signal`). Not ready while that node is offline.
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

  /**
   * Waits for the sidecar node's heartbeat, then follows it going offline and back. Rejects with
   * `SidecarUnreachableError` after `waitMs`, and with `AgentLifecycleError` as soon as
   * `ctx.signal` aborts (a stop does not wait out `waitMs`).
   */
  start(ctx: AgentContext): Promise<void> {
    const { signal } = ctx;
    if (signal.aborted) return Promise.reject(this.#aborted(signal));
    return new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => {
        this.#dispose();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new SidecarUnreachableError(
              `no sidecar node (agent "${NetworkProxyAgent.ID}") within ${this.#waitMs} ms`,
            ),
          ),
        this.#waitMs,
      );
      const onAbort = (): void => fail(this.#aborted(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      const settled = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      this.#disposers = [
        ctx.bus.subscribe('node.heartbeat', ({ node, agentIds }) => {
          if (node === ctx.bus.source || !agentIds.includes(NetworkProxyAgent.ID)) return;
          this.#sidecarNode = node;
          this.#online = true;
          settled();
          resolve();
        }),
        ctx.bus.subscribe('agent.offline', ({ node }) => {
          if (node === this.#sidecarNode) this.#online = false;
        }),
        settled,
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

  #aborted(signal: AbortSignal): AgentLifecycleError {
    return new AgentLifecycleError(this.id, 'start', 'stopped while waiting for the sidecar node', {
      cause: signal.reason,
    });
  }

  #dispose(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }
}
