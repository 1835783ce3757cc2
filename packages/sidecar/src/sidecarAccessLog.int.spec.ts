import { readConfigFile } from '@slipstream/agent-network-performance';
import { ConfigError } from '@slipstream/contracts';
import { createLogger } from '@slipstream/core';
import { ACCESS_LOG_MESSAGE } from '@slipstream/monitor';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startSidecar } from './startSidecar';
import { send } from './test/httpExchange';

/** A sidecar config file whose `network.monitoring` is `monitoring` (YAML, as an operator writes it). */
function configFile(origin: string, monitoring: string): string {
  return [
    'network:',
    '  clusters:',
    '    - cluster: api',
    `      endpoints: [{ origin: "${origin}" }]`,
    '  routes:',
    '    - { id: api, match: { path: /api/ }, cluster: api }',
    '  monitoring:',
    ...monitoring.split('\n').map((line) => `    ${line}`),
    'sidecar:',
    '  listen: { port: 0 }',
    '  admin: { enabled: false }',
    '  watch: false',
    '',
  ].join('\n');
}

describe('the access log, set in the sidecar config file', () => {
  let upstream: Upstream;
  let dir: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    dir = await mkdtemp(join(tmpdir(), 'slipstream-access-log-'));
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `file` with `monitoring` and starts a sidecar from it whose JSON log lines collect in `chunks`. */
  async function startLogged(
    file: string,
    monitoring: string,
  ): Promise<{ sidecar: Awaited<ReturnType<typeof startSidecar>>; chunks: string[] }> {
    await writeFile(file, configFile(upstream.origin, monitoring));
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const sidecar = await startSidecar({
      configFile: file,
      logger: createLogger({ destination: out, format: 'json' }),
    });
    return { sidecar, chunks };
  }

  /** Starts a sidecar from a file with `monitoring`, sends `paths` through it, stops it; returns the access-log lines. */
  async function accessLinesOf(
    monitoring: string,
    paths: readonly string[],
  ): Promise<Record<string, unknown>[]> {
    const file = join(dir, `sidecar-${paths.length}-${monitoring.length}.yaml`);
    const { sidecar, chunks } = await startLogged(file, monitoring);
    try {
      for (const path of paths) expect((await send(sidecar.proxyUrl, { path })).status).toBe(200);
    } finally {
      await sidecar.stop();
    }
    return chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === ACCESS_LOG_MESSAGE);
  }

  it('when accessLog is enabled, writes one line per proxied request with its route, endpoint, status and a redacted path', async () => {
    const lines = await accessLinesOf('accessLog: { enabled: true }', [
      '/api/a?token=SECRET&page=2',
      '/api/b',
    ]);
    expect(
      lines.map((l) => [l.path, l.route, l.cluster, l.endpoint, l.status, l.outcome, l.attempts]),
    ).toEqual([
      ['/api/a?token=[REDACTED]&page=2', 'api', 'api', upstream.origin, 200, 'success', 1],
      ['/api/b', 'api', 'api', upstream.origin, 200, 'success', 1],
    ]);
  });

  it('when accessLog.sampleRate is 0, writes no line', async () => {
    const lines = await accessLinesOf('accessLog: { enabled: true, sampleRate: 0 }', [
      '/api/a',
      '/api/b',
      '/api/c',
    ]);
    expect(lines).toEqual([]);
  });

  it('when the access log is not enabled, writes no line (off by default)', async () => {
    expect(await accessLinesOf('tracing: { enabled: false }', ['/api/a'])).toEqual([]);
  });

  it("when the file's log.redactQueryParams names a parameter, the access line hides its value and the default ones still", async () => {
    const file = join(dir, 'redact.yaml');
    await writeFile(
      file,
      `log: { format: json, level: info, redactQueryParams: [session] }\n${configFile(upstream.origin, 'accessLog: { enabled: true }')}`,
    );
    // The file's `log` section builds the sidecar's logger, which writes to stdout.
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(chunk.toString());
      return true;
    });
    try {
      const sidecar = await startSidecar({ configFile: file });
      try {
        await send(sidecar.proxyUrl, { path: '/api/a?session=S3CR3T&page=2&token=TOK2' });
      } finally {
        await sidecar.stop();
      }
    } finally {
      write.mockRestore();
    }
    const access = written
      .join('')
      .split('\n')
      .filter((line) => line.includes(`"message":"${ACCESS_LOG_MESSAGE}"`));
    expect(access).toHaveLength(1);
    expect(JSON.parse(access[0]!)).toMatchObject({
      path: '/api/a?session=[REDACTED]&page=2&token=[REDACTED]',
    });
    expect(written.join('')).not.toContain('S3CR3T');
    expect(written.join('')).not.toContain('TOK2');
  });

  it('when a reload would switch the access log off, refuses it (set at start) and keeps logging', async () => {
    const file = join(dir, 'reload.yaml');
    const { sidecar, chunks } = await startLogged(file, 'accessLog: { enabled: true }');
    try {
      await writeFile(file, configFile(upstream.origin, 'accessLog: { enabled: false }'));
      await expect(sidecar.reload()).rejects.toThrow(/accessLog\.enabled: expected the value in force, true/);
      await send(sidecar.proxyUrl, { path: '/api/after-reload' });
    } finally {
      await sidecar.stop();
    }
    expect(chunks.join('')).toContain('"path":"/api/after-reload"');
  });

  it('when tracing or accessLog carry an unknown key or a value out of range, refuses the file for the sidecar and for slipstream run', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      configFile(
        upstream.origin,
        'tracing: { enabled: true, sampler: always }\naccessLog: { sampleRate: 2 }',
      ),
    );
    for (const load of [() => startSidecar({ configFile: file }), () => readConfigFile(file)]) {
      const err: unknown = await load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ConfigError.is(err)).toBe(true);
      const paths = (err as ConfigError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'network.monitoring.tracing.sampler',
          'network.monitoring.accessLog.sampleRate',
        ]),
      );
    }
  });
});
