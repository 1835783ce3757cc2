import type { NetworkClient } from '@slipstream/client';
import { TOKENS, type Agent, type EventBus, type Logger } from '@slipstream/contracts';
import { createLogger, Orchestrator } from '@slipstream/core';
import { spawnUpstream, startUpstream } from '@slipstream/testkit';
import { fromInProcessUpstream, fromSpawnedUpstream, fromUrl } from './adaptUpstream';
import { BusProbeAgent } from './BusProbeAgent';
import type { DemoUpstream } from './DemoUpstream';

/** Where the scenarios' upstreams come from. */
export type UpstreamSource =
  { kind: 'spawn' } | { kind: 'in-process' } | { kind: 'urls'; urls: readonly string[] };

/** Agents and the container modules they need. */
export interface AgentSet {
  agents: readonly Agent[];
  modules: Parameters<Orchestrator['use']>;
}

/** Options of `DemoEnvironment.start`. */
export interface DemoEnvironmentOptions {
  /** Where the upstreams come from. Defaults to `{ kind: 'spawn' }` (testkit upstreams in child processes). */
  upstreams?: UpstreamSource;
  /** How many default upstreams to start. Defaults to 5. */
  count?: number;
  /** The agents to run next to the demo's own, with their container modules, given the upstreams' origins. Defaults to none. */
  agents?: (origins: readonly string[]) => AgentSet;
  /** Logger of the orchestrator and agents. Defaults to errors only, on stderr. */
  logger?: Logger;
}

const DEFAULTS = Object.freeze({ count: 5 });

/**
 * The upstreams, the orchestrator with its agents, and the bus they share, for one demo run.
 * `close()` stops the agents and ends every upstream (child processes included), whatever failed.
 */
export class DemoEnvironment {
  private constructor(
    /** The default targets. */
    readonly upstreams: readonly DemoUpstream[],
    /** The shared bus. */
    readonly bus: EventBus,
    readonly logger: Logger,
    private readonly probe: BusProbeAgent,
    private readonly orchestrator: Orchestrator,
    private readonly source: UpstreamSource,
    private readonly owned: DemoUpstream[],
  ) {}

  /** Starts the upstreams and boots the orchestrator. On failure, whatever started is stopped again. */
  static async start(options: DemoEnvironmentOptions = {}): Promise<DemoEnvironment> {
    const source = options.upstreams ?? { kind: 'spawn' };
    const count = options.count ?? DEFAULTS.count;
    const logger = options.logger ?? createLogger({ level: 'error', destination: process.stderr });
    const owned: DemoUpstream[] = [];
    const orchestrator = new Orchestrator({ logger, config: { nodeId: 'slipstream-demo' } });
    try {
      const upstreams =
        source.kind === 'urls'
          ? source.urls.map(fromUrl)
          : await Promise.all(Array.from({ length: count }, () => startOne(source, owned)));
      const probe = new BusProbeAgent();
      const set = options.agents?.(upstreams.map((u) => u.origin)) ?? { agents: [], modules: [] };
      orchestrator.use(...set.modules);
      orchestrator.register(probe);
      for (const agent of set.agents) orchestrator.register(agent);
      await orchestrator.start();
      return new DemoEnvironment(upstreams, probe.bus, logger, probe, orchestrator, source, owned);
    } catch (err) {
      await closeAll(orchestrator, owned);
      throw err;
    }
  }

  /**
   * The sidecar's `NetworkClient` (`TOKENS.NetworkClient` from the orchestrator's container): the
   * pipeline the `network.*` commands configure. Throws when no sidecar was booted.
   */
  get network(): NetworkClient {
    return this.probe.services.get<NetworkClient>(TOKENS.NetworkClient);
  }

  /** Starts one more upstream of the same kind, owned by the environment (closed by `close()`). */
  spawnUpstream(): Promise<DemoUpstream> {
    return startOne(this.source.kind === 'urls' ? { kind: 'spawn' } : this.source, this.owned);
  }

  /** Stops the orchestrator and every upstream the environment started. */
  close(): Promise<void> {
    return closeAll(this.orchestrator, this.owned);
  }
}

async function startOne(source: UpstreamSource, owned: DemoUpstream[]): Promise<DemoUpstream> {
  const up =
    source.kind === 'in-process'
      ? fromInProcessUpstream(await startUpstream({ seed: owned.length + 1 }))
      : fromSpawnedUpstream(await spawnUpstream({ seed: owned.length + 1 }));
  owned.push(up);
  return up;
}

async function closeAll(orchestrator: Orchestrator, owned: readonly DemoUpstream[]): Promise<void> {
  await Promise.allSettled([orchestrator.stop(), ...owned.map((up) => up.close())]);
}
