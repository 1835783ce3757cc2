import type { Agent, AgentContext, AgentHealth, EventBus, ServiceResolver } from '@slipstream/contracts';

/**
 * The demo's own agent: it holds the bus and the container the orchestrator built, so scenarios
 * publish their triggers and watch events on the same bus as every other agent, and send traffic
 * through the same sidecar services.
 */
export class BusProbeAgent implements Agent {
  readonly id = 'demo-runner';
  readonly role = 'drives the demo scenarios over the bus';
  readonly capabilities = ['demo'] as const;
  #bus: EventBus | undefined;
  #services: ServiceResolver | undefined;

  /** The shared bus; throws before the orchestrator started this agent. */
  get bus(): EventBus {
    if (!this.#bus) throw new Error('the demo runner agent has not been started');
    return this.#bus;
  }

  /** The orchestrator's container; throws before the orchestrator started this agent. */
  get services(): ServiceResolver {
    if (!this.#services) throw new Error('the demo runner agent has not been started');
    return this.#services;
  }

  start(ctx: AgentContext): Promise<void> {
    this.#bus = ctx.bus;
    this.#services = ctx.services;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  health(): AgentHealth {
    return { live: true, ready: this.#bus !== undefined };
  }
}
