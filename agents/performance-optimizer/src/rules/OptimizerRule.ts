import type { CommandName, NetworkMetricsSnapshot } from '@slipstream/contracts';

/** What a rule sees: the latest snapshot (balancer state in `snapshot.balancing`) and the one before it. */
export interface Observation {
  snapshot: NetworkMetricsSnapshot;
  /** The snapshot before; windowed figures are the difference of the two. */
  previous?: NetworkMetricsSnapshot;
}

/**
 * The sidecar settings in force, as the configure commands report them in `applied`. A setting
 * the sidecar does not report is absent (no default is assumed here), and the rules that need
 * it do not act.
 */
export interface Settings {
  connections: number;
  pipelining: number;
  keepAliveTimeoutMs: number;
  maxDelayMs?: number;
  volumeThreshold?: number;
  resetTimeoutMs?: number;
}

/** The configure commands a rule may send. */
export type ConfigureCommand = Extract<
  CommandName,
  | 'network.pooling.configure'
  | 'network.batching.configure'
  | 'network.balancing.configure'
  | 'network.breaker.configure'
>;

/** A proposed change, with the payload that reverts it and the target metric measured now. */
export interface Proposal {
  rule: string;
  command: ConfigureCommand;
  change: Record<string, unknown>;
  /** Sent through the same command to revert. */
  previous: Record<string, unknown>;
  metric: string;
  /** Target metric now. */
  before: number;
  reason: string;
}

/** A documented tuning rule: a pure trigger on measured metrics, and the target metric it improves. */
export interface OptimizerRule {
  readonly name: string;
  /** Name of the target metric. */
  readonly metric: string;
  /** Whether the target metric improves downwards or upwards. */
  readonly better: 'lower' | 'higher';
  /**
   * Whether the target metric is an instantaneous gauge (read once per snapshot, like a queue
   * length): verification then averages it over the verification snapshots instead of reading
   * the last one. Defaults to false (a figure over the snapshot window).
   */
  readonly gauge?: boolean;
  /**
   * The target metric in an observation. At verification the controller passes the proposal
   * being verified, so a rule whose target is scoped (one cluster) measures the same scope.
   */
  measure(obs: Observation, proposal?: Proposal): number;
  /** A bounded change when the trigger holds, else undefined. */
  propose(obs: Observation, settings: Settings): Proposal | undefined;
}
