import { z } from 'zod';
import { adminAddressRule } from './adminAddressRule';
import { positiveMs } from './primitives';

const port = z.number().int().min(0).max(65_535);
const positiveInt = z.number().int().positive();

/**
 * The `sidecar` section of a config file, read by `slipstream sidecar`: where the proxy listens,
 * its admin server, its limits and how it drains and reloads. Every default is written here, with
 * its unit; two follow other sections (`admin.enabled`, `drainTimeoutMs`) and are filled by the
 * file's validation.
 */
export const sidecarSectionSchema = z
  .object({
    /** The proxy listener. Loopback only: the sidecar is reached by agents on its own machine. */
    listen: z
      .object({
        /** Listening address. Defaults to '127.0.0.1'. */
        host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
        /** Listening port; 0 picks a free one. Defaults to 15_001. */
        port: port.default(15_001),
      })
      .strict()
      .prefault({}),
    /** The admin server (metrics, stats, health, readiness) on its own port. */
    admin: z
      .object({
        /**
         * Whether it runs. Defaults to true, or to false when `network.monitoring.admin.enabled`
         * is true (a process runs one admin server).
         */
        enabled: z.boolean().optional(),
        /** Listening address. Defaults to '127.0.0.1'. */
        host: z.string().min(1).default('127.0.0.1'),
        /** Listening port; 0 picks a free one. Defaults to 15_000. */
        port: port.default(15_000),
        /** Serve on a host other than loopback (then `bearerToken` is required too). Defaults to false. */
        allowRemote: z.boolean().optional(),
        /** Bearer token the admin endpoints require. Defaults to none. */
        bearerToken: z.string().min(1).optional(),
      })
      .strict()
      .superRefine(adminAddressRule)
      .prefault({}),
    /** Request limits; a request beyond them is refused before anything is forwarded. */
    limits: z
      .object({
        /** Largest request head (request line and headers), bytes: 431 beyond. Defaults to 16_384 bytes. */
        maxHeaderBytes: positiveInt.default(16_384),
        /** Largest request body, bytes: 413 beyond. Defaults to 16 MiB (16_777_216 bytes). */
        maxBodyBytes: positiveInt.default(16_777_216),
      })
      .strict()
      .prefault({}),
    /**
     * How long a SIGTERM waits for in-flight requests before cutting them, ms. At most the
     * orchestrator's `drainTimeoutMs`, which bounds every agent's stop. Defaults to
     * `orchestrator.drainTimeoutMs` (10_000 ms unless set).
     */
    drainTimeoutMs: positiveMs.optional(),
    /** Reload when the config file changes (besides SIGHUP). Defaults to true. */
    watch: z.boolean().default(true),
    /** `retry-after` sent with a 503 whose error gives no hint, seconds. Defaults to 1 s. */
    retryAfterSec: positiveInt.default(1),
  })
  .strict()
  .prefault({});

/** The `sidecar` section with every default applied (those that follow other sections too). */
export type SidecarSection = z.output<typeof sidecarSectionSchema> & {
  admin: { enabled: boolean };
  drainTimeoutMs: number;
};
/** The `sidecar` section as written. */
export type SidecarSectionInput = z.input<typeof sidecarSectionSchema>;
