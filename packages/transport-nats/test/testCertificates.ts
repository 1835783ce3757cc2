import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client certificate. */
export interface TestCertificates {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate signed by another CA, which the server must refuse. */
  strangerCertFile: string;
  strangerKeyFile: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA and a certificate `name` signed by it (`ca` itself when `ca` is undefined), with `extFile` extensions. */
function certificate(dir: string, name: string, ca: string | undefined, ext?: string): void {
  const subject = `/CN=slipstream-test-${name}`;
  if (ca === undefined) {
    openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    );
    return;
  }
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    subject,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  const extArgs =
    ext === undefined ? [] : (writeFileSync(join(dir, `${name}.ext`), ext), ['-extfile', `${name}.ext`]);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    `${name}.pem`,
    ...extArgs,
  );
}

/** Generates the certificates with `openssl` into `dir` (a temp dir of the test; nothing is committed). */
export function generateTestCertificates(dir: string): TestCertificates {
  certificate(dir, 'ca', undefined);
  certificate(
    dir,
    'server',
    'ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  certificate(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  certificate(dir, 'otherca', undefined);
  certificate(dir, 'stranger', 'otherca', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string): string => join(dir, name);
  return {
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    strangerCertFile: file('stranger.pem'),
    strangerKeyFile: file('stranger.key'),
  };
}
