import type { NetworkClient } from '@slipstream/client';
import type { EventBus, Logger } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';

/** Measured figures of one side of a scenario, by name. Every value comes from this run. */
export type Figures = Record<string, number | string | boolean>;

/** What a scenario hands back: both measurements, the change between them and whether its property held. */
export interface ScenarioOutcome {
  /** The workload measured without the optimization. */
  baseline: Figures;
  /** The same workload measured with it. */
  optimized: Figures;
  /** Computed from `baseline` and `optimized`. */
  change: Figures;
  /** Whether the scenario's deterministic property held. */
  passed: boolean;
  /** The property, in words, with the figures it was decided on. */
  property: string;
}

/** What every scenario runs against. */
export interface ScenarioContext {
  /** The default targets: at least five controllable upstreams. */
  upstreams: readonly DemoUpstream[];
  /** Starts one more upstream that the scenario owns (and may kill); closed with the environment. */
  spawnUpstream(): Promise<DemoUpstream>;
  /** The bus the orchestrator's agents share. */
  bus: EventBus;
  /**
   * The running sidecar's `NetworkClient` (from the container): traffic sent here goes through
   * the pipeline the scenario configures with `network.*` bus commands.
   */
  network: NetworkClient;
  /** Writes a progress line (stderr). */
  progress(message: string): void;
  logger: Logger;
  /** Multiplies every workload's request count; 1 for `npm start`, smaller in tests. */
  scale: number;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  /**
   * Runs the optimized arm with the scenario's feature switched off (its test's control run):
   * its property must then not hold. Defaults to false.
   */
  featureOff?: boolean;
}

/** One demo scenario. */
export interface Scenario {
  /** 1..10. */
  readonly id: number;
  readonly name: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** A scenario's outcome as reported, with what went wrong when it threw. */
export interface ScenarioResult extends ScenarioOutcome {
  id: number;
  name: string;
  /** Wall-clock time of the scenario, ms. */
  durationMs: number;
  /** The error message when the scenario could not complete. */
  error?: string;
}
