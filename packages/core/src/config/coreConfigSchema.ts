import { hostname } from 'node:os';
import { positiveMs } from '@slipstream/config';
import { z } from 'zod';
import { LOG_LEVELS } from '../logger/createLogger';

/** A duration in whole ms above 0, at most what a Node timer keeps (`MAX_TIMER_MS`). */
const timeoutMs = positiveMs;

/** Bus settings shared by every transport. */
const busBase = {
  /** Timeout of a bus request that names none. Defaults to 5_000 ms. */
  requestTimeoutMs: timeoutMs.default(5_000),
  /** Refuse payloads that would not survive JSON. Defaults to true unless `NODE_ENV` is `production`. */
  checkSerializable: z.boolean().optional(),
};

/**
 * The `bus` keys core itself reads (the transport selector and the settings shared by every
 * transport). A transport that validates the rest of the `bus` section skips these.
 */
export const CORE_BUS_KEYS: readonly string[] = Object.freeze(['transport', ...Object.keys(busBase)]);

/*
 * NATS connection security (`bus.auth`, `bus.tls`), one block: core's `bus` section and the NATS
 * transport's own option validation both read these schemas.
 */
const AUTH_METHODS = ['user', 'token', 'nkeySeedFile', 'credsFile'] as const;

/** How the NATS client authenticates: exactly one of user/password, token, NKey seed file, creds file. */
export const natsAuthSchema = z
  .strictObject({
    /** User name; needs `password`. */
    user: z.string().min(1).optional(),
    /** Password of `user`. */
    password: z.string().optional(),
    /** Token the server was started with (`authorization { token }`). */
    token: z.string().min(1).optional(),
    /** File holding an NKey seed (`SU...`), read at connect. */
    nkeySeedFile: z.string().min(1).optional(),
    /** A `.creds` file (JWT and NKey seed), read at connect. */
    credsFile: z.string().min(1).optional(),
  })
  .superRefine((auth, ctx) => {
    const methods = AUTH_METHODS.filter((m) => auth[m] !== undefined);
    if (methods.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `exactly one of ${AUTH_METHODS.join(', ')} (got ${methods.length === 0 ? 'none' : methods.join(', ')})`,
      });
    }
    if ((auth.user === undefined) !== (auth.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: '`user` and `password` together' });
    }
  });

/** TLS to the NATS server: a CA to verify it, and a client certificate with its key for mutual TLS. */
export const natsTlsSchema = z
  .strictObject({
    /** PEM file of the CA that signed the server's certificate. Defaults to the system's CAs. */
    caFile: z.string().min(1).optional(),
    /** PEM file of this client's certificate (mutual TLS); needs `keyFile`. */
    certFile: z.string().min(1).optional(),
    /** PEM file of the key of `certFile`. */
    keyFile: z.string().min(1).optional(),
  })
  .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
    message: '`certFile` and `keyFile` together',
    path: ['keyFile'],
  });

/** `bus.auth` and `bus.tls` as one object, for a transport validating its own options. */
export const natsSecuritySchema = z.strictObject({
  auth: natsAuthSchema.optional(),
  tls: natsTlsSchema.optional(),
});
/** `bus.auth` as written. */
export type NatsAuthOptions = z.output<typeof natsAuthSchema>;
/** `bus.tls` as written. */
export type NatsTlsOptions = z.output<typeof natsTlsSchema>;
/* end of the NATS connection security block */

/**
 * Core's configuration. Unknown top-level sections pass through untouched so other packages
 * can parse their own with `parseConfig`.
 */
export const coreConfigSchema = z.looseObject({
  /** Logging. */
  log: z
    .strictObject({
      /** The least severe level written. Defaults to `SLIPSTREAM_LOG_LEVEL`, then `LOG_LEVEL`, then `info`. */
      level: z.enum(LOG_LEVELS).optional(),
      /** `json` lines, `pretty` lines, or `auto` (pretty on a TTY). Defaults to `auto`. */
      format: z.enum(['json', 'pretty', 'auto']).default('auto'),
      /**
       * Query parameters whose values are hidden wherever a URL appears in a line (the access
       * log's paths included), besides `DEFAULT_SECRET_QUERY_PARAMS` (token, api_key, ...), which
       * are always hidden. Defaults to none.
       */
      redactQueryParams: z.array(z.string().min(1)).optional(),
    })
    .prefault({}),
  /** Id of this node in envelopes and lifecycle events. Defaults to `<hostname>-<pid>`. */
  nodeId: z
    .string()
    .min(1)
    .default(() => `${hostname()}-${process.pid}`),
  /** The bus and its transport. Defaults to the in-process transport. */
  bus: z
    .discriminatedUnion('transport', [
      z.strictObject({
        /** Envelopes stay inside this process (eventemitter3). */
        transport: z.literal('in-process'),
        ...busBase,
      }),
      z
        .looseObject({
          /**
           * Envelopes travel over NATS (load `natsTransportModule`). Further fields (`namespace`,
           * `durableTopics`, `bufferMaxMessages`, ...) pass through to the NATS transport, which
           * validates them with a `ConfigError` naming `bus.<field>`.
           */
          transport: z.literal('nats'),
          /** NATS server URLs, e.g. `nats://127.0.0.1:4222`. At least one. */
          servers: z.array(z.string().min(1)).min(1),
          /**
           * This node's name on NATS: the connection name, and the name each durable broadcast
           * consumer is named from. Required with `durableTopics` (it must stay the same across
           * restarts, which the node id's default does not). Defaults to the node id otherwise.
           */
          name: z.string().min(1).optional(),
          /** Authentication (see `natsAuthSchema`). Defaults to none. */
          auth: natsAuthSchema.optional(),
          /** TLS (see `natsTlsSchema`). Defaults to plain TCP. */
          tls: natsTlsSchema.optional(),
          ...busBase,
        })
        .superRefine((bus, ctx) => {
          const durable = bus.durableTopics;
          if (Array.isArray(durable) && durable.length > 0 && bus.name === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['name'],
              message:
                "this node's own name, stable across restarts (durableTopics is set: each broadcast subscription's durable consumer is named from it)",
            });
          }
        }),
    ])
    .prefault({ transport: 'in-process' }),
  /** Node discovery: heartbeats, agents announced to every node, `agent.offline` for a silent node. */
  discovery: z
    .strictObject({
      /** Run node discovery. Defaults to true when `bus.transport` is `nats`, false in-process. */
      enabled: z.boolean().optional(),
      /** Heartbeat period. Defaults to NodeDiscovery's 5_000 ms. */
      intervalMs: timeoutMs.optional(),
      /** Heartbeats a peer may miss before it is marked offline. Defaults to NodeDiscovery's 3. */
      missed: z.number().int().positive().optional(),
    })
    .prefault({}),
  /** The orchestrator. */
  orchestrator: z
    .strictObject({
      /** How long `stop()` waits for each agent's `stop()` before cutting it. Defaults to 10_000 ms. */
      drainTimeoutMs: timeoutMs.default(10_000),
    })
    .prefault({}),
});

/** Core's configuration with every default applied. */
export type CoreConfig = z.output<typeof coreConfigSchema>;
/** Core's configuration as written (every field optional where it has a default). */
export type CoreConfigInput = z.input<typeof coreConfigSchema>;
