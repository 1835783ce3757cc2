import type { Agent, AgentContext, AgentHealth } from '@slipstream/contracts';
import {
  connectWithOptions,
  FleetConfigWatcher,
  resolveNatsTransportOptions,
  type NatsTransportOptions,
} from '@slipstream/transport-nats';
import { SidecarAgent } from '../SidecarAgent';
import type { FleetSection } from '@slipstream/config';
import { parseFleetConfig, type FleetConfig } from './parseFleetConfig';

/** What `FleetConfigAgent` needs from the sidecar. */
export interface FleetConfigAgentOptions {
  /** The `fleet` section. */
  fleet: FleetSection;
  /** The `bus` section (NATS): the bucket is reached with the same servers, credentials and TLS. */
  bus: NatsTransportOptions;
  /** This node's name when `fleet.node` is absent. */
  node: string;
  /** Applies a revision through the sidecar's reload path, all or nothing; a throw rejects it. */
  apply: (config: FleetConfig, revision: number) => Promise<void>;
}

/**
 * Keeps the sidecar on its fleet's configuration: at start it applies the bucket's latest
 * revision (so a sidecar started after a push comes up on it), then each new one, through
 * `FleetConfigWatcher`, which reports `config.applied` / `config.rejected` on the bus and in the
 * node's status key. Starts after the sidecar agent, whose routes a revision replaces.
 */
export class FleetConfigAgent implements Agent {
  /** The agent id. */
  static readonly ID = 'fleet-config';
  readonly id = FleetConfigAgent.ID;
  readonly role = 'Applies the fleet configuration pushed to a JetStream key-value bucket';
  readonly capabilities = ['fleet-config'] as const;
  readonly dependsOn = ['network-performance', SidecarAgent.ID] as const;
  readonly #options: FleetConfigAgentOptions;
  #watcher: FleetConfigWatcher<FleetConfig> | undefined;
  #close: (() => Promise<void>) | undefined;

  constructor(options: FleetConfigAgentOptions) {
    this.#options = options;
  }

  /** Connects to NATS, applies the latest revision and watches for the next ones. */
  async start(ctx: AgentContext): Promise<void> {
    const { fleet, bus, node, apply } = this.#options;
    const nc = await connectWithOptions(
      resolveNatsTransportOptions({ ...bus, name: `${bus.name ?? node}-fleet` }),
    );
    this.#close = () => nc.close();
    const watcher = new FleetConfigWatcher<FleetConfig>({
      ...(fleet.bucket === undefined ? {} : { bucket: fleet.bucket }),
      ...(fleet.key === undefined ? {} : { key: fleet.key }),
      node: fleet.node ?? node,
      validate: parseFleetConfig,
      apply,
      bus: ctx.bus,
      logger: ctx.logger,
    });
    this.#watcher = watcher;
    await watcher.start(nc);
  }

  /** Stops watching (the revision being applied finishes) and closes the connection. */
  async stop(): Promise<void> {
    await this.#watcher?.stop();
    await this.#close?.();
    this.#close = undefined;
  }

  /** Ready once watching; details give the revision in force. */
  health(): AgentHealth {
    const current = this.#watcher?.current();
    return {
      live: true,
      ready: this.#close !== undefined,
      details: current === undefined ? {} : { revision: current.revision },
    };
  }
}
