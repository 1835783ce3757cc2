import type { NetworkClient } from '@slipstream/client';
import { TOKENS, type Agent, type EventBus, type Logger } from '@slipstream/contracts';
import { createLogger, Orchestrator } from '@slipstream/core';
import { spawnUpstream, startUpstream, type ForwardTarget } from '@slipstream/testkit';
import { fromInProcessUpstream, fromSpawnedUpstream } from './adaptUpstream';
import { BusProbeAgent } from './BusProbeAgent';
import type { ScenarioContext } from '../runner/Scenario';
import type { DemoUpstream } from './DemoUpstream';

/**
 * Where the scenarios' upstreams come from: testkit upstreams in child processes (`spawn`) or in
 * this process (`in-process`), or (`forward`) forwarding testkit upstreams in child processes in
 * front of real upstreams, the targets taken in turn, so several may front the same one.
 */
export type UpstreamSource =
  { kind: 'spawn' } | { kind: 'in-process' } | { kind: 'forward'; targets: readonly ForwardTarget[] };

/** Agents and the container modules they need. */
export interface AgentSet {
  agents: readonly Agent[];
  modules: Parameters<Orchestrator['use']>;
}

/** Options of `DemoEnvironment.start`. */
export interface DemoEnvironmentOptions {
  /** Where the upstreams come from. Defaults to `{ kind: 'spawn' }` (testkit upstreams in child processes). */
  upstreams?: UpstreamSource;
  /** How many default upstreams to start (`forward`: at least one per target). Defaults to 5. */
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
    /** Upstreams started so far: the number of the next one. */
    private started: number,
  ) {}

  /** Starts the upstreams and boots the orchestrator. On failure, whatever started is stopped again. */
  static async start(options: DemoEnvironmentOptions = {}): Promise<DemoEnvironment> {
    const source = options.upstreams ?? { kind: 'spawn' };
    const count = Math.max(
      options.count ?? DEFAULTS.count,
      source.kind === 'forward' ? source.targets.length : 0,
    );
    const logger = options.logger ?? createLogger({ level: 'error', destination: process.stderr });
    const owned: DemoUpstream[] = [];
    const orchestrator = new Orchestrator({ logger, config: { nodeId: 'slipstream-demo' } });
    try {
      const upstreams = await Promise.all(
        Array.from({ length: count }, (_, i) => startOne(source, i, owned)),
      );
      const probe = new BusProbeAgent();
      const set = options.agents?.(upstreams.map((u) => u.origin)) ?? { agents: [], modules: [] };
      orchestrator.use(...set.modules);
      orchestrator.register(probe);
      for (const agent of set.agents) orchestrator.register(agent);
      await orchestrator.start();
      return new DemoEnvironment(upstreams, probe.bus, logger, probe, orchestrator, source, owned, count);
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

  /** What the scenarios run against here: these upstreams, bus, sidecar and logger, with the caller's progress, scale and signal. */
  scenarioContext(run: Pick<ScenarioContext, 'progress' | 'scale' | 'signal'>): ScenarioContext {
    return {
      ...run,
      upstreams: this.upstreams,
      spawnUpstream: () => this.spawnUpstream(),
      bus: this.bus,
      network: this.network,
      logger: this.logger,
    };
  }

  /** Starts one more upstream of the same kind, owned by the environment (closed by `close()`). */
  spawnUpstream(): Promise<DemoUpstream> {
    return startOne(this.source, this.started++, this.owned);
  }

  /** Stops the orchestrator and every upstream the environment started. */
  close(): Promise<void> {
    return closeAll(this.orchestrator, this.owned);
  }
}

/** Starts upstream number `index` of `source` (its seed, and its target in turn) and adds it to `owned`. */
async function startOne(source: UpstreamSource, index: number, owned: DemoUpstream[]): Promise<DemoUpstream> {
  const seed = index + 1;
  const up =
    source.kind === 'in-process'
      ? fromInProcessUpstream(await startUpstream({ seed }))
      : fromSpawnedUpstream(
          await spawnUpstream({
            seed,
            ...(source.kind === 'forward'
              ? { forwardTo: source.targets[index % source.targets.length] }
              : {}),
          }),
        );
  owned.push(up);
  return up;
}

async function closeAll(orchestrator: Orchestrator, owned: readonly DemoUpstream[]): Promise<void> {
  await Promise.allSettled([orchestrator.stop(), ...owned.map((up) => up.close())]);
}
