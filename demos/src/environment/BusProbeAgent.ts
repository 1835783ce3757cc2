import type { Agent, AgentContext, AgentHealth, EventBus } from '@slipstream/contracts';

/**
 * The demo's own agent: it holds the bus the orchestrator built, so scenarios publish their
 * triggers and watch events on the same bus as every other agent.
 */
export class BusProbeAgent implements Agent {
  readonly id = 'demo-runner';
  readonly role = 'drives the demo scenarios over the bus';
  readonly capabilities = ['demo'] as const;
  #bus: EventBus | undefined;

  /** The shared bus; throws before the orchestrator started this agent. */
  get bus(): EventBus {
    if (!this.#bus) throw new Error('the demo runner agent has not been started');
    return this.#bus;
  }

  start(ctx: AgentContext): Promise<void> {
    this.#bus = ctx.bus;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  health(): AgentHealth {
    return { live: true, ready: this.#bus !== undefined };
  }
}
