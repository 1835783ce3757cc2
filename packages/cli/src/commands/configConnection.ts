import { ConfigError } from '@slipstream/contracts';
import type { FleetCommandOptions } from '@slipstream/sidecar';
import type { CommandArgs } from '../Command';

/** The environment variables `slipstream config` takes its NATS credential from when no flag gives one. */
export const NATS_CREDENTIAL_ENV = Object.freeze({
  token: 'SLIPSTREAM_NATS_TOKEN',
  user: 'SLIPSTREAM_NATS_USER',
  password: 'SLIPSTREAM_NATS_PASSWORD',
});

/** What `NatsAuthError` names when no credential was given (no flag, variable, nor `bus.auth`). */
const NO_CREDENTIAL = 'bus.auth (none given)';

/** Where `slipstream config` finds the fleet, and how to name the credential it used. */
export interface ConfigConnection {
  /** The options of `pushConfig` / `configStatus` (all but `file`). */
  options: FleetCommandOptions;
  /**
   * The name, as the user can set it, of the credential a `NatsAuthError` blames: `transportName`
   * is the transport's (`bus.auth.token`, `bus.tls.caFile`), which the flags may have filled.
   */
  credentialName(transportName: string): string;
}

/**
 * The connection settings of `slipstream config` from its flags and the environment: `--config
 * FILE` (the sidecars' config file: its `bus` and `fleet` sections), `--servers`, `--bucket`,
 * `--key`, and a credential: `--token`, or `--user` with `--password`; when no credential flag is
 * given, from `SLIPSTREAM_NATS_TOKEN`, or `SLIPSTREAM_NATS_USER` with `SLIPSTREAM_NATS_PASSWORD`
 * (so no secret need be in argv). A credential given so replaces the file's `bus.auth`. Throws a
 * `ConfigError` naming the flag (or variable) for a half or doubled credential.
 */
export function configConnectionOf(
  values: CommandArgs['values'],
  env: NodeJS.ProcessEnv = process.env,
): ConfigConnection {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const fromFlags = ['token', 'user', 'password'].some((k) => text(values[k]) !== undefined);
  const source = fromFlags
    ? { token: '--token', user: '--user', password: '--password' }
    : NATS_CREDENTIAL_ENV;
  const read = (k: 'token' | 'user' | 'password'): string | undefined =>
    fromFlags ? text(values[k]) : text(env[NATS_CREDENTIAL_ENV[k]]);
  const [token, user, password] = [read('token'), read('user'), read('password')];
  if (token !== undefined && (user !== undefined || password !== undefined)) {
    throw new ConfigError([
      {
        path: source.token,
        expected: `either ${source.token} or ${source.user} with ${source.password}`,
        received: 'both',
      },
    ]);
  }
  if ((user === undefined) !== (password === undefined)) {
    const missing = user === undefined ? 'user' : 'password';
    throw new ConfigError([
      {
        path: source[missing],
        expected: `the ${missing} of ${user === undefined ? source.password : source.user}`,
        received: 'nothing',
      },
    ]);
  }
  const auth = token !== undefined ? { token } : user !== undefined ? { user, password } : undefined;
  const configFile = text(values.config);
  const servers = text(values.servers)?.split(',');
  // `nats://TOKEN@host` or `nats://user:pass@host`: refused rather than silently not used.
  if (servers?.some((url) => /^(?:[a-z]+:\/\/)?[^/@]*@/i.test(url)) === true) {
    throw new ConfigError([
      {
        path: '--servers',
        expected: `URLs without a credential (give it with --token, --user and --password, or ${NATS_CREDENTIAL_ENV.token} ...)`,
        received: 'a URL with a credential ([REDACTED])',
      },
    ]);
  }
  const bucket = text(values.bucket);
  const key = text(values.key);
  return {
    options: {
      ...(configFile === undefined ? {} : { configFile }),
      ...(servers === undefined ? {} : { servers }),
      ...(auth === undefined ? {} : { auth }),
      ...(bucket === undefined ? {} : { bucket }),
      ...(key === undefined ? {} : { key }),
    },
    credentialName: (transportName) => {
      if (auth !== undefined && transportName.startsWith('bus.auth')) {
        return token !== undefined ? source.token : `${source.user} / ${source.password}`;
      }
      if (configFile !== undefined && transportName !== NO_CREDENTIAL)
        return `${transportName} of ${configFile}`;
      return `no credential (give --token, or --user and --password, or set ${NATS_CREDENTIAL_ENV.token}, or ${NATS_CREDENTIAL_ENV.user} and ${NATS_CREDENTIAL_ENV.password}, or --config FILE with a bus.auth section)`;
    },
  };
}
