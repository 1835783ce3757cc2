import { type ConfigIssue, type UpstreamTlsConfig } from '@slipstream/contracts';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** TLS settings with the PEM material read and checked: what the connector is given. */
export interface ResolvedUpstreamTls {
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  servername: string | undefined;
  rejectUnauthorized: boolean;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

const VERSIONS: readonly string[] = ['TLSv1.2', 'TLSv1.3'];

/** Reads `value` as PEM text, or as the path of a file holding it; pushes an issue naming `path` when it cannot. */
function readPem(value: unknown, path: string, marker: RegExp, issues: ConfigIssue[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    issues.push({ path, expected: 'PEM text or a file path', received: JSON.stringify(value) });
    return undefined;
  }
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    try {
      pem = readFileSync(value, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unreadable';
      issues.push({ path, expected: 'a readable PEM file', received: `${value} (${code})` });
      return undefined;
    }
  }
  if (!marker.test(pem)) {
    const where = pem === value ? 'the given text' : value;
    issues.push({ path, expected: `PEM matching ${String(marker)}`, received: `${where} (not PEM)` });
    return undefined;
  }
  return pem;
}

/** Parses `pem` with `parse`; pushes an issue naming `path` when it does not parse. */
function parsed<T>(
  pem: string | undefined,
  path: string,
  parse: (pem: string) => T,
  issues: ConfigIssue[],
): T | undefined {
  if (pem === undefined) return undefined;
  try {
    return parse(pem);
  } catch (err) {
    issues.push({ path, expected: 'valid PEM', received: `unparsable (${(err as Error).message})` });
    return undefined;
  }
}

/**
 * The issue of a `tls` block holding a client certificate without its key or a key without its
 * certificate (both must be set at the same level), at `path`; undefined when they pair.
 */
export function unpairedTlsIssue(config: UpstreamTlsConfig, path: string): ConfigIssue | undefined {
  if ((config.cert === undefined) === (config.key === undefined)) return undefined;
  const [given, missing] = config.key === undefined ? ['cert', 'key'] : ['key', 'cert'];
  return {
    path: `${path}.${missing}`,
    expected: `${missing} beside ${given} in the same tls block: mutual TLS needs both, set at the same level (both on the cluster or both on the endpoint; an endpoint's key does not pair with its cluster's cert)`,
    received: `${given} without ${missing}`,
  };
}

/**
 * Reads and checks an upstream's TLS settings at configuration time: CA, certificate and key
 * from PEM text or files (an unreadable file or text that is not PEM is an issue naming the
 * option and the path), a client certificate without its key in the same block (or a key that
 * does not match it) is refused. `path` prefixes every issue (`origins.https://a:1.tls`). The
 * http package runs it when a pool's settings are built (so every construction path, and
 * `slipstream validate`, which builds the pipeline without starting it, refuse a bad pair) and
 * keeps what it read for its connections. The schemas check only what needs no file
 * (`unpairedTlsIssue`): `config push` must accept files that exist only on the nodes.
 */
export function resolveUpstreamTls(
  config: UpstreamTlsConfig,
  path: string,
  issues: ConfigIssue[],
): ResolvedUpstreamTls {
  const ca = readPem(config.ca, `${path}.ca`, /-----BEGIN CERTIFICATE-----/, issues);
  const cert = readPem(config.cert, `${path}.cert`, /-----BEGIN CERTIFICATE-----/, issues);
  const key = readPem(config.key, `${path}.key`, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, issues);
  parsed(ca, `${path}.ca`, (pem) => new X509Certificate(pem), issues);
  const x509 = parsed(cert, `${path}.cert`, (pem) => new X509Certificate(pem), issues);
  const keyObject = parsed<KeyObject>(key, `${path}.key`, (pem) => createPrivateKey(pem), issues);
  const unpaired = unpairedTlsIssue(config, path);
  if (unpaired !== undefined) {
    issues.push(unpaired);
  } else if (x509 !== undefined && keyObject !== undefined && !x509.checkPrivateKey(keyObject)) {
    issues.push({
      path: `${path}.key`,
      expected: 'the private key of the cert beside it',
      received: 'a key that does not match the certificate',
    });
  }
  const rejectUnauthorized = config.rejectUnauthorized ?? true;
  if (typeof rejectUnauthorized !== 'boolean') {
    issues.push({
      path: `${path}.rejectUnauthorized`,
      expected: 'a boolean',
      received: JSON.stringify(rejectUnauthorized),
    });
  }
  const minVersion = config.minVersion ?? 'TLSv1.2';
  if (!VERSIONS.includes(minVersion)) {
    issues.push({
      path: `${path}.minVersion`,
      expected: "'TLSv1.2' or 'TLSv1.3'",
      received: JSON.stringify(minVersion),
    });
  }
  const servername = config.servername;
  if (servername !== undefined && (typeof servername !== 'string' || servername === '')) {
    issues.push({
      path: `${path}.servername`,
      expected: 'a host name',
      received: JSON.stringify(servername),
    });
  }
  return { ca, cert, key, servername, rejectUnauthorized, minVersion };
}
