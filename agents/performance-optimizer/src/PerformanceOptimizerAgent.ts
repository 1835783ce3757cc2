import type { Agent, AgentContext, AgentHealth, Disposer } from '@slipstream/contracts';
import { inject, injectable, optional } from 'inversify';
import { OptimizerController } from './controller/OptimizerController';
import { OPTIMIZER_TOKENS } from './OPTIMIZER_TOKENS';
import { checkOptimizerOptions, type OptimizerOptions } from './OptimizerOptions';
import { defaultRules } from './rules/defaultRules';
import type { OptimizerRule } from './rules/OptimizerRule';

/**
 * Watches `network.metrics.snapshot` and `network.alert.fired`, and tunes the sidecar through
 * its `network.*.configure` commands in a verified loop (see `OptimizerController`).
 */
@injectable()
export class PerformanceOptimizerAgent implements Agent {
  readonly id = 'performance-optimizer';
  readonly role = 'Closed-loop tuner of the network sidecar';
  readonly capabilities = ['optimization'] as const;
  readonly dependsOn = ['network-performance'] as const;
  #controller: OptimizerController | undefined;
  #subscriptions: Disposer[] = [];
  #alerts = 0;

  readonly #rules: readonly OptimizerRule[];

  /**
   * `options` bound the rules and the loop (see `OptimizerOptions`); invalid ones throw a
   * `ConfigError` naming the field. `rules` default to `defaultRules(options)`.
   */
  constructor(
    @inject(OPTIMIZER_TOKENS.Options) @optional() private readonly options: OptimizerOptions = {},
    @inject(OPTIMIZER_TOKENS.Rules) @optional() rules?: readonly OptimizerRule[],
  ) {
    checkOptimizerOptions(options);
    this.#rules = rules ?? defaultRules(options);
  }

  /** Subscribes to snapshots and alerts. */
  start(ctx: AgentContext): Promise<void> {
    const controller = new OptimizerController(ctx.bus, this.#rules, ctx.logger, this.options);
    this.#controller = controller;
    this.#subscriptions = [
      ctx.bus.subscribe('network.metrics.snapshot', (snapshot) => controller.onSnapshot(snapshot)),
      ctx.bus.subscribe('network.alert.fired', () => void this.#alerts++),
    ];
    return Promise.resolve();
  }

  /** Unsubscribes; a change in flight stays as applied. */
  stop(): Promise<void> {
    for (const dispose of this.#subscriptions.splice(0)) dispose();
    this.#controller = undefined;
    return Promise.resolve();
  }

  /** Ready while subscribed; details count recommendations, kept and reverted changes, and alerts seen. */
  health(): AgentHealth {
    const c = this.#controller;
    return {
      live: true,
      ready: c !== undefined,
      details: c ? { ...c.counts, changeInFlight: c.changeInFlight, alertsSeen: this.#alerts } : {},
    };
  }
}
