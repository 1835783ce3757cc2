import {
  comparePaired,
  learnMargin,
  median,
  type CommandName,
  type PairedComparison,
  type EventBus,
  type Logger,
  type NetworkMetricsSnapshot,
  type OptimizerEvent,
} from '@slipstream/contracts';
import type { Observation, OptimizerRule, Proposal, Settings } from '../rules/OptimizerRule';
import type { OptimizerFleet } from '../fleet/OptimizerFleet';
import { checkOptimizerOptions, OPTIMIZER_DEFAULTS, type OptimizerOptions } from '../OptimizerOptions';

/** A change under an interleaved A/B: which block runs and what the blocks measured. */
interface InFlight {
  proposal: Proposal;
  rule: OptimizerRule;
  /** Settings of each block, in order: new-old, old-new, new-old, … */
  order: ('old' | 'new')[];
  block: number;
  /** Snapshots seen in the current block. */
  snapshots: number;
  /** Snapshots per block: enough for the metric's window to hold only that block's data. */
  needed: number;
  /** The target metric at each snapshot of the current block after the first (which may straddle the switch). */
  samples: number[];
  /** Block values per side, in pair order. */
  old: number[];
  new: number[];
  /** Noise margin learned from the A/A blocks before the change. */
  margin: number;
}

/** One rule's blocks of the unchanged system, measured while its trigger holds and nothing is in flight. */
interface AaBlocks {
  /** Snapshots seen in the current block. */
  snapshots: number;
  needed: number;
  /** The current block's samples (a gauge's, after the first snapshot). */
  samples: number[];
  /** Whether the first block since the trigger began is over (it is not used: its window may hold earlier data). */
  settled: boolean;
  /** The finished blocks' values, newest last, at most `2 × abPairs`. */
  values: number[];
  /** Snapshots in a row where the trigger did not hold. */
  misses: number;
}

/**
 * The closed loop. While nothing is in flight and a rule's trigger holds, consecutive blocks
 * of snapshots (each spanning the snapshot window, so blocks do not overlap) measure its target
 * metric on the unchanged system in the state the change would be made in: the A/A blocks (a
 * block's worth of snapshots in a row where the trigger does not hold starts them afresh, and the first block after that is
 * not used, since its window may reach back before the trigger). The proposal is acted on once
 * there are `OPTIMIZER_DEFAULTS.aaBlocks` of them, and their largest paired drift is its noise margin
 * (`learnMargin`). The change is published (`optimizer.recommendation`) and tested by an
 * interleaved A/B: `abPairs` pairs of blocks with the new and the old settings, the order
 * inside a pair alternating (new-old, old-new, …), each setting sent through the rule's
 * configure command. The blocks are compared pair by pair (`comparePaired`, the statistics
 * `network.optimize` uses too): `improved` keeps the change (`optimizer.applied`, with the
 * medians of both sides and the comparison), anything else puts the previous value back
 * (`optimizer.reverted`). At most one change is in flight; each rule waits `cooldownMs` after
 * its change settles or fails to apply, doubled per revert up to 8×, so it cannot oscillate. A
 * revert that fails is logged and retried on every snapshot until it is sent; nothing else is
 * proposed meanwhile. With the `fleet` option, a kept change is published to the fleet and a
 * revert rolls the fleet back to the previous settings (`OptimizerFleet`).
 */
export class OptimizerController {
  readonly #cooldownMs: number;
  readonly #verifySnapshots: number;
  readonly #abPairs: number;
  readonly #cooldownUntil = new Map<string, number>();
  readonly #reverts = new Map<string, number>();
  #previous: NetworkMetricsSnapshot | undefined;
  #inFlight: InFlight | undefined;
  /** Per rule name. */
  readonly #aa = new Map<string, AaBlocks>();
  /** A revert that could not be sent: the change is still in force. */
  #pendingRevert: Proposal | undefined;
  #busy = false;
  /** Counts of what the controller did. */
  readonly #fleet: OptimizerFleet | undefined;
  readonly counts = { recommended: 0, kept: 0, reverted: 0, failed: 0, revertFailures: 0, fleetFailures: 0 };

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
    this.#abPairs = options.abPairs ?? OPTIMIZER_DEFAULTS.abPairs;
    this.#fleet = options.fleet;
  }

  /** Whether a change is under its A/B. */
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

  /**
   * Adds `obs` to `rule`'s current A/A block, closing it after `needed` snapshots; returns the
   * finished blocks' values. When the trigger has not held for a whole block's worth of
   * snapshots in a row, the blocks start afresh.
   */
  #recordAa(rule: OptimizerRule, obs: Observation, triggered: boolean): number[] {
    let aa = this.#aa.get(rule.name);
    if (aa && !triggered && ++aa.misses >= aa.needed) aa = undefined;
    if (!aa && !triggered) {
      this.#aa.delete(rule.name);
      return [];
    }
    aa ??= { snapshots: 0, needed: 1, samples: [], settled: false, values: [], misses: 0 };
    if (triggered) aa.misses = 0;
    this.#aa.set(rule.name, aa);
    const needed = this.#snapshotsNeeded(obs);
    aa.needed = aa.snapshots === 0 ? needed : Math.max(aa.needed, needed);
    aa.snapshots++;
    if (aa.snapshots > 1 || aa.needed === 1) aa.samples.push(rule.measure(obs));
    if (aa.snapshots < aa.needed) return aa.values;
    if (aa.settled) aa.values.push(rule.gauge === true ? mean(aa.samples) : rule.measure(obs));
    aa.settled = true;
    aa.values = aa.values.slice(-2 * this.#abPairs);
    aa.snapshots = 0;
    aa.samples = [];
    return aa.values;
  }

  async #propose(obs: Observation): Promise<void> {
    const settings = await this.#settings();
    const now = this.now();
    for (const rule of this.rules) {
      if ((this.#cooldownUntil.get(rule.name) ?? 0) > now) continue;
      const proposal = rule.propose(obs, settings);
      const aaValues = this.#recordAa(rule, obs, proposal !== undefined);
      if (!proposal || aaValues.length < OPTIMIZER_DEFAULTS.aaBlocks) continue;
      this.counts.recommended++;
      try {
        await this.#publish('optimizer.recommendation', proposal, proposal.change);
        await this.#send(proposal.command, proposal.change);
        const order = Array.from({ length: this.#abPairs }, (_, i) =>
          i % 2 === 0 ? (['new', 'old'] as const) : (['old', 'new'] as const),
        ).flat();
        this.#inFlight = {
          proposal,
          rule,
          order,
          block: 0,
          snapshots: 0,
          needed: this.#snapshotsNeeded(obs),
          samples: [],
          old: [],
          new: [],
          margin: learnMargin(aaValues),
        };
        this.#resetAa();
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

  /** Counts a snapshot of the current A/B block; at its end records the block and switches to the next. */
  async #verify(inFlight: InFlight, obs: Observation): Promise<void> {
    const { proposal, rule } = inFlight;
    if (++inFlight.snapshots > 1 || inFlight.needed === 1) inFlight.samples.push(rule.measure(obs, proposal));
    if (inFlight.snapshots < inFlight.needed) return;
    const side = inFlight.order[inFlight.block]!;
    inFlight[side].push(rule.gauge === true ? mean(inFlight.samples) : rule.measure(obs, proposal));
    inFlight.block++;
    inFlight.snapshots = 0;
    inFlight.samples = [];
    const next = inFlight.order[inFlight.block];
    if (next !== undefined) {
      if (next !== side) {
        try {
          await this.#send(proposal.command, next === 'new' ? proposal.change : proposal.previous);
        } catch (err) {
          // The A/B cannot go on; put the previous value back (retried until sent).
          this.#inFlight = undefined;
          this.counts.failed++;
          this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs);
          this.#pendingRevert = proposal;
          this.logger.warn('optimizer A/B switch failed; reverting', { rule: rule.name, error: err });
        }
      }
      return;
    }
    await this.#decide(inFlight, side);
  }

  /** Keeps the change when the A/B says `improved`, else reverts it; `last` is the setting in force. */
  async #decide(inFlight: InFlight, last: 'old' | 'new'): Promise<void> {
    const { proposal, rule } = inFlight;
    const comparison = comparePaired(rule.metric, rule.better, inFlight.old, inFlight.new, inFlight.margin);
    const medians = { before: median(inFlight.old), after: median(inFlight.new) };
    this.#inFlight = undefined;
    const reverts = this.#reverts.get(rule.name) ?? 0;
    if (comparison.verdict === 'improved') {
      if (last === 'old') await this.#send(proposal.command, proposal.change);
      this.counts.kept++;
      this.#reverts.set(rule.name, 0);
      this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs);
      await this.#publish(
        'optimizer.applied',
        { ...proposal, before: medians.before },
        proposal.change,
        medians.after,
        comparison,
      );
      await this.#toFleet(proposal, proposal.change);
      return;
    }
    this.counts.reverted++;
    this.#reverts.set(rule.name, reverts + 1);
    const backoff = Math.min(OPTIMIZER_DEFAULTS.maxBackoff, 2 ** (reverts + 1));
    this.#cooldownUntil.set(rule.name, this.now() + this.#cooldownMs * backoff);
    const settled = { ...proposal, before: medians.before };
    if (last === 'old') {
      await this.#publish('optimizer.reverted', settled, proposal.previous, medians.after, comparison);
      await this.#toFleet(settled, proposal.previous);
      return;
    }
    this.#pendingRevert = settled;
    await this.#revert(settled, medians.after, comparison);
  }

  /** Starts the A/A blocks afresh (after a change, the system they measured is gone). */
  #resetAa(): void {
    this.#aa.clear();
  }

  /**
   * Sends the revert of `proposal`; on success publishes `optimizer.reverted` and clears the
   * pending revert. On failure the change is still in force: logged as an error, counted, and
   * kept pending so the next snapshot retries it.
   */
  async #revert(proposal: Proposal, after?: number, comparison?: PairedComparison): Promise<void> {
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
    this.#resetAa();
    await this.#publish('optimizer.reverted', proposal, proposal.previous, after, comparison);
    await this.#toFleet(proposal, proposal.previous);
  }

  /**
   * With a fleet, publishes the settled `settings` of `proposal` there (a kept change, or the
   * previous settings of a reverted one). A failure is logged and counted: this sidecar keeps
   * the settings, the fleet its revision.
   */
  async #toFleet(proposal: Proposal, settings: Record<string, unknown>): Promise<void> {
    if (this.#fleet === undefined) return;
    try {
      const revision = await this.#fleet.publish(proposal.command, settings);
      this.logger.info('optimizer settings published to the fleet', {
        rule: proposal.rule,
        settings,
        revision,
      });
    } catch (err) {
      this.counts.fleetFailures++;
      this.logger.error('optimizer settings could not be published to the fleet', {
        rule: proposal.rule,
        settings,
        error: err,
      });
    }
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
    comparison?: PairedComparison,
  ): Promise<void> {
    const event: OptimizerEvent = {
      rule: p.rule,
      change,
      metric: p.metric,
      before: p.before,
      reason: p.reason,
    };
    if (after !== undefined) event.after = after;
    if (comparison !== undefined) event.comparison = comparison;
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
