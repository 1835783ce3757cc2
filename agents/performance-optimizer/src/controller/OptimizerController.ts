import {
  type CommandName,
  type EventBus,
  type Logger,
  type NetworkMetricsSnapshot,
  type OptimizerEvent,
} from '@slipstream/contracts';
import type { Observation, OptimizerRule, Proposal, Settings } from '../rules/OptimizerRule';
import { checkOptimizerOptions, OPTIMIZER_DEFAULTS, type OptimizerOptions } from '../OptimizerOptions';

/** A change applied and waiting for its verification. */
interface InFlight {
  proposal: Proposal;
  rule: OptimizerRule;
  snapshots: number;
}

/**
 * The closed loop. On each snapshot: when a change is in flight, count snapshots and, after
 * `verifySnapshots`, measure its target metric again — keep it (`optimizer.applied`, before and
 * after) when it improved, else send the previous value through the same command
 * (`optimizer.reverted`). Otherwise ask the rules in order for a proposal, publish it
 * (`optimizer.recommendation`) and apply it. At most one change is in flight; each rule waits
 * `cooldownMs` after its change settles, doubled per revert up to 8×, so it cannot oscillate.
 */
export class OptimizerController {
  readonly #cooldownMs: number;
  readonly #verifySnapshots: number;
  readonly #cooldownUntil = new Map<string, number>();
  readonly #reverts = new Map<string, number>();
  #previous: NetworkMetricsSnapshot | undefined;
  #inFlight: InFlight | undefined;
  #busy = false;
  /** Counts of what the controller did. */
  readonly counts = { recommended: 0, kept: 0, reverted: 0 };

  constructor(
    private readonly bus: EventBus,
    private readonly rules: readonly OptimizerRule[],
    private readonly logger: Logger,
    options: OptimizerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    checkOptimizerOptions(options);
    this.#cooldownMs = options.cooldownMs ?? OPTIMIZER_DEFAULTS.cooldownMs;
    this.#verifySnapshots = options.verifySnapshots ?? OPTIMIZER_DEFAULTS.verifySnapshots;
  }

  /** Whether a change waits for its verification. */
  get changeInFlight(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Takes one snapshot; snapshots arriving while the previous one is handled are skipped. */
  async onSnapshot(snapshot: NetworkMetricsSnapshot): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const obs: Observation = { snapshot, previous: this.#previous };
      if (this.#inFlight) await this.#verify(this.#inFlight, obs);
      else await this.#propose(obs);
      this.#previous = snapshot;
    } catch (err) {
      this.logger.warn('optimizer step failed', { error: err });
    } finally {
      this.#busy = false;
    }
  }

  async #propose(obs: Observation): Promise<void> {
    const settings = await this.#settings();
    const now = this.now();
    for (const rule of this.rules) {
      if ((this.#cooldownUntil.get(rule.name) ?? 0) > now) continue;
      const proposal = rule.propose(obs, settings);
      if (!proposal) continue;
      this.counts.recommended++;
      await this.#publish('optimizer.recommendation', proposal, proposal.change);
      await this.#send(proposal.command, proposal.change);
      this.#inFlight = { proposal, rule, snapshots: 0 };
      return;
    }
  }

  async #verify(inFlight: InFlight, obs: Observation): Promise<void> {
    if (++inFlight.snapshots < this.#verifySnapshots) return;
    const { proposal, rule } = inFlight;
    const after = rule.measure(obs, proposal);
    const improved = rule.better === 'lower' ? after < proposal.before : after > proposal.before;
    this.#inFlight = undefined;
    const reverts = this.#reverts.get(rule.name) ?? 0;
    if (improved) {
      this.counts.kept++;
      this.#reverts.set(rule.name, 0);
      await this.#publish('optimizer.applied', proposal, proposal.change, after);
    } else {
      this.counts.reverted++;
      this.#reverts.set(rule.name, reverts + 1);
      await this.#send(proposal.command, proposal.previous);
      await this.#publish('optimizer.reverted', proposal, proposal.previous, after);
    }
    const backoff = Math.min(OPTIMIZER_DEFAULTS.maxBackoff, 2 ** (improved ? 0 : reverts + 1));
    this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs * backoff);
  }

  async #publish(
    topic: 'optimizer.recommendation' | 'optimizer.applied' | 'optimizer.reverted',
    p: Proposal,
    change: Record<string, unknown>,
    after?: number,
  ): Promise<void> {
    const event: OptimizerEvent = {
      rule: p.rule,
      change,
      metric: p.metric,
      before: p.before,
      reason: p.reason,
    };
    if (after !== undefined) event.after = after;
    this.logger.info(topic, { ...event });
    await this.bus.publish(topic, event);
  }

  #send(command: CommandName, payload: Record<string, unknown>): Promise<unknown> {
    return this.bus.request(command, payload);
  }

  /** The settings in force, read from the configure commands' `applied` with empty payloads (no change). */
  async #settings(): Promise<Settings> {
    const [pool, batching, breaker] = await Promise.all([
      this.bus.request('network.pooling.configure', {}),
      this.bus.request('network.batching.configure', {}),
      this.bus.request('network.breaker.configure', {}),
    ]);
    const settings: Settings = {
      connections: pool.applied.connections,
      pipelining: pool.applied.pipelining,
      keepAliveTimeoutMs: pool.applied.keepAliveTimeoutMs,
    };
    const { maxDelayMs } = batching.applied;
    const { volumeThreshold, resetTimeoutMs } = breaker.applied;
    if (maxDelayMs !== undefined) settings.maxDelayMs = maxDelayMs;
    if (volumeThreshold !== undefined) settings.volumeThreshold = volumeThreshold;
    if (resetTimeoutMs !== undefined) settings.resetTimeoutMs = resetTimeoutMs;
    return settings;
  }
}
