import type { ConfigureCommand } from '../rules/OptimizerRule';

/**
 * Where the optimizer's settled changes go when it tunes a fleet (option `fleet`): a change it
 * keeps is published with its new settings, one it reverts with the settings before it (a
 * rollback). `FleetConfigPusher` of `@slipstream/sidecar` stores each as a new revision of the
 * fleet's configuration bucket, which every sidecar of the fleet applies.
 */
export interface OptimizerFleet {
  /** Publishes `settings` (the payload of `command`) to the fleet; resolves with the revision stored. */
  publish(command: ConfigureCommand, settings: Record<string, unknown>): Promise<number>;
}
