import type { NatsConnection } from '@nats-io/nats-core';
import { Kvm, type KV } from '@nats-io/kv';

/** Where a fleet's configuration lives: a JetStream key-value bucket and the key of the config. */
export interface FleetConfigLocation {
  /** The bucket. Defaults to 'slipstream-config'. */
  bucket?: string;
  /** The key holding the configuration; node statuses live under `<key>.status.<node>`. Defaults to 'config'. */
  key?: string;
}

/** `FleetConfigLocation` with its defaults applied. */
export type ResolvedFleetConfigLocation = Required<FleetConfigLocation>;

/** The default bucket and key, written once. */
export const FLEET_CONFIG_DEFAULTS: Readonly<ResolvedFleetConfigLocation> = Object.freeze({
  bucket: 'slipstream-config',
  key: 'config',
});

/** Revisions the bucket keeps of the configuration, so a node can fall back past invalid ones. */
export const FLEET_CONFIG_HISTORY = 16;

/** What each node records about itself in the bucket (`<key>.status.<node>`). */
export interface FleetNodeStatus {
  node: string;
  /** The revision in force on the node (undefined: none applied yet). */
  revision?: number;
  /** What happened to the last revision it saw. */
  state: 'applied' | 'rejected';
  /** The last revision it saw (equals `revision` when that one was applied). */
  lastSeen: number;
  /** Why the last revision was rejected. */
  reason?: string;
  /** When it recorded this, ms since the epoch. */
  at: number;
}

/** The location with defaults applied. */
export function resolveFleetConfigLocation(location: FleetConfigLocation = {}): ResolvedFleetConfigLocation {
  return {
    bucket: location.bucket ?? FLEET_CONFIG_DEFAULTS.bucket,
    key: location.key ?? FLEET_CONFIG_DEFAULTS.key,
  };
}

/** Opens the bucket, creating it (file storage, `FLEET_CONFIG_HISTORY` revisions) when missing. */
export function openFleetBucket(nc: NatsConnection, bucket: string): Promise<KV> {
  return new Kvm(nc).create(bucket, { history: FLEET_CONFIG_HISTORY });
}

/** The key of `node`'s status (node names reduced to key-safe characters). */
export function statusKey(key: string, node: string): string {
  return `${key}.status.${node.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
