import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One certificate with its private key: PEM text and the files they were written to. */
export interface CertificateFiles {
  /** PEM of the certificate. */
  cert: string;
  /** PEM of the private key. */
  key: string;
  /** Path of the certificate file. */
  certPath: string;
  /** Path of the key file. */
  keyPath: string;
}

/** A private CA and the certificates it signed, in a temporary directory that `remove()` deletes. */
export interface TestCertificates {
  /** The directory holding every file. */
  dir: string;
  /** The private CA (self-signed). */
  ca: CertificateFiles;
  /** A server certificate for `localhost` and `127.0.0.1`, signed by the CA. */
  server: CertificateFiles;
  /** A client certificate (CN `slipstream-client`), signed by the CA, for mutual TLS. */
  client: CertificateFiles;
  /** Deletes the directory. */
  remove(): void;
}

/** Options of `makeTestCertificates`. */
export interface TestCertificateOptions {
  /** Validity of the server certificate, days. Defaults to 30. */
  serverDays?: number;
}

/** `openssl req` arguments for a new P-256 key without a passphrase, in `<name>.key`. */
const newKey = (name: string): string[] => [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:prime256v1',
  '-nodes',
  '-keyout',
  `${name}.key`,
];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function signed(
  dir: string,
  name: string,
  subject: string,
  days: number,
  extensions: string,
): CertificateFiles {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', ...newKey(name), '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    String(days),
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
  return read(dir, name);
}

function read(dir: string, name: string): CertificateFiles {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, keyPath };
}

/**
 * Makes a private CA, a server certificate and a client certificate with the `openssl` command,
 * in a fresh temporary directory (nothing is committed; every run has its own keys).
 */
export function makeTestCertificates(options: TestCertificateOptions = {}): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'slipstream-certs-'));
  openssl(dir, [
    'req',
    '-x509',
    ...newKey('ca'),
    '-out',
    'ca.crt',
    '-days',
    '30',
    '-subj',
    '/CN=Slipstream Test CA',
  ]);
  const server = signed(
    dir,
    'server',
    '/CN=localhost',
    options.serverDays ?? 30,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  const client = signed(dir, 'client', '/CN=slipstream-client', 30, 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: read(dir, 'ca'),
    server,
    client,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
