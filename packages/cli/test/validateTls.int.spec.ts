/**
 * `slipstream validate FILE` on TLS settings that can only be judged by reading the files they
 * name or by comparing clusters: the same checks as every other construction path, exit 2.
 */
import { makeTestCertificates, type TestCertificates } from '@slipstream/testkit';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'bin', 'slipstream.js');

/** Runs `slipstream ...args` to completion. */
function slipstream(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

jest.setTimeout(120_000);

describe('slipstream validate with TLS settings', () => {
  let certs: TestCertificates;
  let other: TestCertificates;
  let dir: string;

  beforeAll(() => {
    certs = makeTestCertificates();
    other = makeTestCertificates();
    dir = mkdtempSync(join(tmpdir(), 'slipstream-validate-tls-'));
  });

  afterAll(() => {
    certs.remove();
    other.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a config file with `clusters` (YAML lines under `network.clusters`) and validates it. */
  async function validate(
    name: string,
    clusters: string,
  ): Promise<{ code: number | null; file: string; stdout: string; stderr: string }> {
    const file = join(dir, name);
    writeFileSync(file, `network:\n  clusters:\n${clusters}`);
    return { file, ...(await slipstream(['validate', file])) };
  }

  it('a client key that does not match its cert exits 2 naming the key path', async () => {
    const { code, file, stderr } = await validate(
      'mismatch.yaml',
      [
        '    - cluster: api',
        '      endpoints:',
        '        - origin: https://api.test:8443',
        '          tls:',
        `            cert: ${certs.client.certPath}`,
        `            key: ${other.client.keyPath}`,
        '',
      ].join('\n'),
    );
    expect(code).toBe(2);
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      `${file}: 1 problem(s)`,
      '  network.clusters[0].endpoints[0].tls.key: expected the private key of the cert beside it, received a key that does not match the certificate',
    ]);
  });

  it('the matching pair is valid', async () => {
    const { code, file, stdout } = await validate(
      'match.yaml',
      [
        '    - cluster: api',
        '      tls:',
        `        cert: ${certs.client.certPath}`,
        `        key: ${certs.client.keyPath}`,
        '      endpoints:',
        '        - origin: https://api.test:8443',
        '',
      ].join('\n'),
    );
    expect({ code, stdout }).toEqual({ code: 0, stdout: `${file}: valid (1 clusters, 0 routes)\n` });
  });

  it('two clusters at one origin with different TLS settings exit 2 naming both paths', async () => {
    const { code, stderr } = await validate(
      'shared.yaml',
      [
        '    - cluster: strict',
        '      endpoints: [{ origin: "https://api.test:443" }]',
        '    - cluster: lax',
        '      tls: { rejectUnauthorized: false }',
        '      endpoints: [{ origin: "https://API.test" }]',
        '',
      ].join('\n'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      '  network.clusters[1].endpoints[0].tls.rejectUnauthorized: expected true as at clusters[0].endpoints[0].tls.rejectUnauthorized (cluster "strict")',
    );
    expect(stderr).toContain('received false');
  });
});
