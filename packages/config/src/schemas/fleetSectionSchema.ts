import { z } from 'zod';

/**
 * The `fleet` section of a config file, read by `slipstream sidecar`: the JetStream key-value bucket whose
 * configuration this sidecar follows (needs `bus.transport: nats`; the bucket is reached over
 * the bus's own servers, credentials and TLS). Each revision pushed there (`pushConfig`, i.e.
 * `slipstream config push`) replaces the file's `network` section through the reload path.
 */
export const fleetSectionSchema = z
  .object({
    /** The bucket. Defaults to 'slipstream-config'. */
    bucket: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
    /** The key of the configuration in the bucket. Defaults to 'config'. */
    key: z
      .string()
      .regex(/^[A-Za-z0-9_=-]+(\.[A-Za-z0-9_=-]+)*$/)
      .optional(),
    /** This sidecar's name in its reports and status key. Defaults to the config's `nodeId`. */
    node: z.string().min(1).optional(),
  })
  .strict();

/** The `fleet` section as validated. */
export type FleetSection = z.output<typeof fleetSectionSchema>;
