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
  /** Snapshots to wait before judging: enough for the metric's window to hold only post-change data. */
  needed: number;
  /** The target metric at each verification snapshot after the first (which may straddle the change). */
  samples: number[];
}

/**
 * The closed loop. On each snapshot: when a change is in flight, count snapshots and, after
 * `verifySnapshots` or `ceil(windowMs ÷ snapshot interval)` of them, whichever is more (so a
 * windowed metric no longer holds data from before the change), measure its target metric
 * again — a gauge rule's as the mean over the verification snapshots — and keep the change
 * (`optimizer.applied`, before and after) when it improved, else send the previous value
 * through the same command (`optimizer.reverted`). Otherwise ask the rules in order for a
 * proposal, publish it (`optimizer.recommendation`) and apply it. At most one change is in
 * flight; each rule waits `cooldownMs` after its change settles or fails to apply, doubled per
 * revert up to 8×, so it cannot oscillate. A revert that fails is logged and retried on every
 * snapshot until it is sent; nothing else is proposed meanwhile.
 */
export class OptimizerController {
  readonly #cooldownMs: number;
  readonly #verifySnapshots: number;
  readonly #cooldownUntil = new Map<string, number>();
  readonly #reverts = new Map<string, number>();
  #previous: NetworkMetricsSnapshot | undefined;
  #inFlight: InFlight | undefined;
  /** A revert that could not be sent: the change is still in force. */
  #pendingRevert: Proposal | undefined;
  #busy = false;
  /** Counts of what the controller did. */
  readonly counts = { recommended: 0, kept: 0, reverted: 0, failed: 0, revertFailures: 0 };

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
      if (this.#pendingRevert) await this.#revert(this.#pendingRevert);
      else if (this.#inFlight) await this.#verify(this.#inFlight, obs);
      else await this.#propose(obs);
    } catch (err) {
      this.logger.warn('optimizer step failed', { error: err });
    } finally {
      this.#previous = snapshot;
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
      try {
        await this.#publish('optimizer.recommendation', proposal, proposal.change);
        await this.#send(proposal.command, proposal.change);
        this.#inFlight = { proposal, rule, snapshots: 0, needed: this.#snapshotsNeeded(obs), samples: [] };
      } catch (err) {
        this.counts.failed++;
        throw err;
      } finally {
        // A change that was not applied still starts the rule's cooldown, so it is not re-proposed every snapshot.
        if (!this.#inFlight) this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs);
      }
      return;
    }
  }

  async #verify(inFlight: InFlight, obs: Observation): Promise<void> {
    const { proposal, rule } = inFlight;
    if (++inFlight.snapshots > 1 || inFlight.needed === 1) inFlight.samples.push(rule.measure(obs, proposal));
    if (inFlight.snapshots < inFlight.needed) return;
    const after = rule.gauge === true ? mean(inFlight.samples) : rule.measure(obs, proposal);
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
      try {
        this.#pendingRevert = proposal;
        await this.#revert(proposal, after);
      } finally {
        const backoff = Math.min(OPTIMIZER_DEFAULTS.maxBackoff, 2 ** (reverts + 1));
        this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs * backoff);
      }
      return;
    }
    this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs);
  }

  /**
   * Sends the revert of `proposal`; on success publishes `optimizer.reverted` and clears the
   * pending revert. On failure the change is still in force: logged as an error, counted, and
   * kept pending so the next snapshot retries it.
   */
  async #revert(proposal: Proposal, after?: number): Promise<void> {
    try {
      await this.#send(proposal.command, proposal.previous);
    } catch (err) {
      this.counts.revertFailures++;
      this.logger.error('optimizer revert failed: the change stays in force until a retry succeeds', {
        rule: proposal.rule,
        change: proposal.change,
        previous: proposal.previous,
        error: err,
      });
      return;
    }
    this.#pendingRevert = undefined;
    await this.#publish('optimizer.reverted', proposal, proposal.previous, after);
  }

  /** Snapshots to wait: `verifySnapshots`, or more when the snapshots' window spans more snapshot intervals. */
  #snapshotsNeeded(obs: Observation): number {
    const intervalMs = obs.previous ? obs.snapshot.timestamp - obs.previous.timestamp : Number.NaN;
    const windowMs = obs.snapshot.windowMs;
    const perWindow = intervalMs > 0 && windowMs > 0 ? Math.ceil(windowMs / intervalMs) : 0;
    return Math.max(this.#verifySnapshots, perWindow);
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

/** Arithmetic mean; 0 for none. */
function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
