import { readFile } from 'node:fs/promises';

import {
  credsAuthenticator,
  nkeyAuthenticator,
  type ConnectionOptions,
  type TlsOptions,
} from '@nats-io/nats-core';
import { ConfigError } from '@slipstream/contracts';
import type { NatsAuthOptions, NatsTlsOptions } from '@slipstream/core';

import { NatsAuthError } from './errors/NatsAuthError';

/** The connection options carrying `auth` and `tls`; reads the seed or creds file (a `ConfigError` naming it when unreadable). */
export async function natsSecurityOptions(
  auth: NatsAuthOptions | undefined,
  tls: NatsTlsOptions | undefined,
  path = 'bus',
): Promise<Partial<ConnectionOptions>> {
  const options: Partial<ConnectionOptions> = {};
  if (auth?.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.password });
  if (auth?.token !== undefined) options.token = auth.token;
  if (auth?.nkeySeedFile !== undefined) {
    const seed = await readSecret(auth.nkeySeedFile, `${path}.auth.nkeySeedFile`);
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed.trim()));
  }
  if (auth?.credsFile !== undefined) {
    const creds = await readSecret(auth.credsFile, `${path}.auth.credsFile`);
    options.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
  }
  if (tls !== undefined) {
    const tlsOptions: TlsOptions = {};
    if (tls.caFile !== undefined) tlsOptions.caFile = tls.caFile;
    if (tls.certFile !== undefined) tlsOptions.certFile = tls.certFile;
    if (tls.keyFile !== undefined) tlsOptions.keyFile = tls.keyFile;
    options.tls = tlsOptions;
  }
  return options;
}

/**
 * `err` as a `NatsAuthError` naming the credential in use when the server refused it (an
 * authorization violation) or the TLS handshake failed; undefined for any other failure.
 */
export function authFailure(
  err: unknown,
  auth: NatsAuthOptions | undefined,
  tls: NatsTlsOptions | undefined,
  path = 'bus',
): NatsAuthError | undefined {
  const text = describe(err);
  if (/authorization violation|authentication/i.test(text)) {
    const method = auth === undefined ? undefined : Object.keys(auth).find((k) => k !== 'password');
    const credential = method === undefined ? `${path}.auth (none given)` : `${path}.auth.${method}`;
    return new NatsAuthError(credential, 'authorization violation', { cause: err });
  }
  // The server's certificate failed verification against `caFile` (or the system's CAs).
  if (tls !== undefined && /certificate|self[- ]signed|CERT_/i.test(text)) {
    return new NatsAuthError(`${path}.tls.caFile`, text, { cause: err });
  }
  return undefined;
}

async function readSecret(file: string, optionPath: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      [{ path: optionPath, expected: 'a readable file', received: JSON.stringify(file) }],
      {
        cause: err,
      },
    );
  }
}

/** The messages and codes along `err`'s cause chain, joined (duck-typed: Node's TLS errors may come from another realm). */
function describe(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { message, code, cause } = e as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof message === 'string') parts.push(message);
    if (typeof code === 'string') parts.push(code);
    e = cause;
  }
  return parts.join(' ');
}
