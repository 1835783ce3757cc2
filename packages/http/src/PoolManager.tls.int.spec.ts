import { ConfigError, TlsError } from '@slipstream/contracts';
import {
  makeTestCertificates,
  startUpstream,
  type TestCertificates,
  type Upstream,
} from '@slipstream/testkit';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PoolManager } from './PoolManager';

describe('PoolManager over TLS', () => {
  let certs: TestCertificates;
  let other: TestCertificates;
  let https: Upstream;
  let mtls: Upstream;
  const managers: PoolManager[] = [];

  /** A pool manager closed after each test. */
  const manager = (...args: ConstructorParameters<typeof PoolManager>): PoolManager => {
    const m = new PoolManager(...args);
    managers.push(m);
    return m;
  };

  beforeAll(async () => {
    certs = makeTestCertificates();
    other = makeTestCertificates();
    https = await startUpstream({ tls: { cert: certs.server.cert, key: certs.server.key } });
    mtls = await startUpstream({
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, requestCert: true },
    });
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.destroy()));
  });

  afterAll(async () => {
    await Promise.all([https.close(), mtls.close()]);
    certs.remove();
    other.remove();
  });

  describe('a private-CA upstream', () => {
    it('when the CA is not configured, refuses it with a TlsError naming the certificate problem, not retryable', async () => {
      const pool = manager();
      const err = await pool
        .request({ origin: https.origin, method: 'GET', path: '/' })
        .catch((e: unknown) => e);
      expect(TlsError.is(err)).toBe(true);
      expect(err).toMatchObject({ reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', retryable: false });
      expect(https.counters().requestsServed).toBe(0);
    });

    it('when the CA is configured (as a file), serves it and counts the handshake and the certificate expiry', async () => {
      const pool = manager({ origins: { [https.origin]: { tls: { ca: certs.ca.certPath } } } });
      const res = await pool.request({ origin: https.origin, method: 'GET', path: '/' });
      expect(res.statusCode).toBe(200);
      const [stats] = pool.stats(https.origin);
      expect(stats).toMatchObject({ tlsHandshakes: 1, protocol: 'h1' });
      expect(stats?.certificateDaysLeft).toBeGreaterThan(29);
      expect(stats?.certificateDaysLeft).toBeLessThanOrEqual(30);
    });

    it('when another CA is configured, refuses it', async () => {
      const pool = manager({ origins: { [https.origin]: { tls: { ca: other.ca.cert } } } });
      const err = await pool
        .request({ origin: https.origin, method: 'GET', path: '/' })
        .catch((e: unknown) => e);
      expect(TlsError.is(err)).toBe(true);
    });

    it('resumes TLS sessions on new connections', async () => {
      const pool = manager({ connections: 1, origins: { [https.origin]: { tls: { ca: certs.ca.cert } } } });
      await pool.request({ origin: https.origin, method: 'GET', path: '/' });
      https.closeIdleConnections();
      await pool.request({ origin: https.origin, method: 'GET', path: '/' });
      expect(pool.stats(https.origin)[0]).toMatchObject({ tlsHandshakes: 2, tlsSessionsReused: 1 });
    });
  });

  describe('servername and minimum version', () => {
    it('checks the certificate against servername (SNI) instead of the origin host', async () => {
      const wrong = manager({
        origins: { [https.origin]: { tls: { ca: certs.ca.cert, servername: 'wrong.example' } } },
      });
      const err = await wrong
        .request({ origin: https.origin, method: 'GET', path: '/' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'SLIP_ERR_TLS', reason: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      const right = manager({
        origins: { [https.origin]: { tls: { ca: certs.ca.cert, servername: 'localhost' } } },
      });
      expect((await right.request({ origin: https.origin, method: 'GET', path: '/' })).statusCode).toBe(200);
    });

    it("with minVersion 'TLSv1.3', refuses an upstream that stops at TLS 1.2", async () => {
      const old = await startUpstream({
        tls: { cert: certs.server.cert, key: certs.server.key, maxVersion: 'TLSv1.2' },
      });
      try {
        const strict = manager({
          origins: { [old.origin]: { tls: { ca: certs.ca.cert, minVersion: 'TLSv1.3' } } },
        });
        const err = await strict
          .request({ origin: old.origin, method: 'GET', path: '/' })
          .catch((e: unknown) => e);
        expect(TlsError.is(err)).toBe(true);
        const lenient = manager({ origins: { [old.origin]: { tls: { ca: certs.ca.cert } } } });
        expect((await lenient.request({ origin: old.origin, method: 'GET', path: '/' })).statusCode).toBe(
          200,
        );
      } finally {
        await old.close();
      }
    });
  });

  describe('a mutual-TLS upstream', () => {
    it('when no client certificate is configured, refuses it with a TlsError', async () => {
      const pool = manager({ origins: { [mtls.origin]: { tls: { ca: certs.ca.cert } } } });
      const err = await pool
        .request({ origin: mtls.origin, method: 'GET', path: '/' })
        .catch((e: unknown) => e);
      expect(TlsError.is(err)).toBe(true);
      expect(err).toMatchObject({ reason: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', retryable: false });
      expect(mtls.counters().requestsServed).toBe(0);
    });

    it('when the client certificate is configured, serves it', async () => {
      const pool = manager({
        origins: {
          [mtls.origin]: {
            tls: { ca: certs.ca.cert, cert: certs.client.certPath, key: certs.client.keyPath },
          },
        },
      });
      const res = await pool.request({ origin: mtls.origin, method: 'GET', path: '/' });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('configuration', () => {
    it('refuses a key that is not the certificate’s with a ConfigError naming the option', () => {
      const build = (): PoolManager =>
        manager({ origins: { [mtls.origin]: { tls: { cert: certs.client.cert, key: other.client.key } } } });
      expect(build).toThrow(ConfigError);
      expect(build).toThrow(`origins.${mtls.origin}.tls.key`);
    });

    it('refuses an unreadable file and a file that is not PEM, naming the option and the path', () => {
      const missing = join(certs.dir, 'missing.pem');
      const notPem = join(certs.dir, 'not.pem');
      writeFileSync(notPem, 'hello');
      expect(() => manager({ origins: { [https.origin]: { tls: { ca: missing } } } })).toThrow(
        `origins.${https.origin}.tls.ca: expected a readable PEM file, received ${missing} (ENOENT)`,
      );
      expect(() => manager({ origins: { [https.origin]: { tls: { ca: notPem } } } })).toThrow(
        `${notPem} (not PEM)`,
      );
    });

    it('refuses TLS settings and HTTP/2 for an http origin', () => {
      expect(() => manager({ origins: { 'http://127.0.0.1:1': { tls: { ca: certs.ca.cert } } } })).toThrow(
        'origins.http://127.0.0.1:1.tls: expected an https origin',
      );
      expect(() => manager({ origins: { 'http://127.0.0.1:1': { protocol: 'h2' } } })).toThrow(ConfigError);
    });

    it('re-reads certificate files when the settings are applied again', async () => {
      const ca = join(certs.dir, 'rotating-ca.pem');
      writeFileSync(ca, other.ca.cert);
      const pool = manager({ origins: { [https.origin]: { tls: { ca } } } });
      await expect(pool.request({ origin: https.origin, method: 'GET', path: '/' })).rejects.toThrow(
        TlsError,
      );
      writeFileSync(ca, certs.ca.cert);
      pool.updateOptions({ origins: { [https.origin]: { tls: { ca } } } });
      const res = await pool.request({ origin: https.origin, method: 'GET', path: '/' });
      expect(res.statusCode).toBe(200);
    });
  });
});
