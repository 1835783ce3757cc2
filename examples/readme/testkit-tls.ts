// examples/readme/testkit-tls.ts
import { Http2Upstream, makeTestCertificates, startUpstream } from '@slipstream/testkit';

async function main(): Promise<void> {
  // openssl: a private CA, a server certificate (localhost, 127.0.0.1), a client one, in a temp dir
  const certs = makeTestCertificates();
  try {
    const https = await startUpstream({ tls: { cert: certs.server.cert, key: certs.server.key } });
    const mtls = await startUpstream({ tls: { ...certs.server, ca: certs.ca.cert, requestCert: true } });
    const h2 = await new Http2Upstream({ cert: certs.server.cert, key: certs.server.key }).start();
    console.log(`${https.url} ${mtls.url} ${h2.origin}`);
    h2.goaway(); // GOAWAY on every session, like a draining server; `/reset…` paths get RST_STREAM
    await Promise.all([https.close(), mtls.close(), h2.close()]);
  } finally {
    certs.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
