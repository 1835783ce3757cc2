import { startUpstream, type Upstream } from '@slipstream/testkit';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { SidecarConfigInput } from './config/SidecarConfig';
import type { ProxyStatsSnapshot } from './proxy/ProxyStats';
import { forkSidecar, type ForkedSidecar } from './test/forkSidecar';
import { send } from './test/httpExchange';
import { startRecordingServer, type RecordingServer } from './test/recordingServer';

const run = promisify(execFile);

/** `curl` with `args`; resolves with its stdout. */
async function curl(...args: string[]): Promise<string> {
  return (await run('curl', ['-sS', '--max-time', '30', ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

describe('slipstream sidecar (a child process)', () => {
  let a: Upstream;
  let b: Upstream;
  let bad: Upstream;
  let good: Upstream;
  let victim: RecordingServer;
  let dir: string;
  let file: string;
  let sidecar: ForkedSidecar;

  const config = (apiCluster: string): SidecarConfigInput => ({
    log: { level: 'warn', format: 'json' },
    network: {
      clusters: [
        { cluster: 'a', endpoints: [{ origin: a.origin }] },
        { cluster: 'b', endpoints: [{ origin: b.origin }] },
        { cluster: 'pair', endpoints: [{ origin: bad.origin }, { origin: good.origin }] },
      ],
      routes: [
        { id: 'api', match: { path: '/api/' }, cluster: apiCluster },
        {
          id: 'limited',
          match: { path: '/limited' },
          cluster: 'a',
          policy: { rateLimit: { ratePerSec: 1, burst: 1 } },
        },
        { id: 'pair', match: { path: '/pair/' }, cluster: 'pair' },
      ],
      batching: { maxBatchSize: 50, maxDelayMs: 50 },
    },
    sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
  });

  const stats = async (): Promise<ProxyStatsSnapshot> =>
    (await send(sidecar.proxyUrl, { path: '/_slipstream/stats' })).json as ProxyStatsSnapshot;

  beforeAll(async () => {
    [a, b, bad, good] = await Promise.all([
      startUpstream({ name: 'a' }),
      startUpstream({ name: 'b' }),
      startUpstream({ name: 'bad', behaviour: { status: 500 } }),
      startUpstream({ name: 'good' }),
    ]);
    victim = await startRecordingServer();
    dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-'));
    file = join(dir, 'sidecar.yaml');
    writeFileSync(file, stringify(config('a')));
    sidecar = await forkSidecar(file);
  });

  afterAll(async () => {
    if (sidecar.child.exitCode === null) sidecar.child.kill('SIGKILL');
    await Promise.all([a, b, bad, good, victim].map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves curl: GET, POST, a streamed download and a chunked upload', async () => {
    a.setBehaviour([{ match: { path: '/api/big' }, behaviour: { bodySize: 8_000_000 } }]);
    expect(JSON.parse(await curl(`${sidecar.proxyUrl}/api/hello`))).toMatchObject({
      upstream: 'a',
      path: '/api/hello',
    });
    const posted: unknown = JSON.parse(
      await curl('--data-binary', 'x'.repeat(3_000), `${sidecar.proxyUrl}/api/items`),
    );
    expect(posted).toMatchObject({ method: 'POST', bytes: 3_000 });
    expect(
      Number(await curl('-o', '/dev/null', '-w', '%{size_download}', `${sidecar.proxyUrl}/api/big`)),
    ).toBeGreaterThanOrEqual(8_000_000);
    const upload = join(dir, 'upload.bin');
    writeFileSync(upload, Buffer.alloc(5_000_000, 7));
    const uploaded: unknown = JSON.parse(
      await curl(
        '-H',
        'transfer-encoding: chunked',
        '--data-binary',
        `@${upload}`,
        `${sidecar.proxyUrl}/api/upload`,
      ),
    );
    expect(uploaded).toMatchObject({ method: 'POST', bytes: 5_000_000 });
  });

  it('refuses curl as a forward proxy (absolute URI) and as a CONNECT tunnel; nothing reaches the victim', async () => {
    const before = (await stats()).refused;
    const absolute = await curl(
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      sidecar.proxyUrl,
      `${victim.origin}/steal`,
    );
    const tunnel = await curl(
      '-o',
      '/dev/null',
      '-w',
      '%{http_connect}',
      '-p',
      '-x',
      sidecar.proxyUrl,
      `${victim.origin}/steal`,
    ).catch((err: { stdout: string }) => err.stdout);
    expect(absolute).toBe('421');
    expect(tunnel).toBe('405');
    const after = (await stats()).refused;
    expect((after.absolute_form ?? 0) - (before.absolute_form ?? 0)).toBe(1);
    expect((after.connect ?? 0) - (before.connect ?? 0)).toBe(1);
    expect(victim.seen).toHaveLength(0);
  });

  it('serves a Python 3 standard-library client: GET, POST, streamed download and upload, JSON-RPC, shed, breaker, refusals', async () => {
    a.setBehaviour([{ match: { path: '/api/big' }, behaviour: { bodySize: 4_000_000 } }]);
    a.resetCounters();
    const { stdout } = await run(
      'python3',
      [join(__dirname, 'test', 'sidecar_client.py'), sidecar.proxyUrl, victim.origin],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const out = JSON.parse(stdout) as Record<string, unknown> & {
      rpc: { status: number; body: unknown }[];
      shed: [{ status: number }, { status: number; retryAfter: string; body: unknown }];
      pair: number[];
    };
    expect(out.get).toMatchObject({
      status: 200,
      body: { upstream: 'a', path: '/api/hello' },
      via: '1.1 slipstream',
    });
    expect(out.post).toMatchObject({ status: 200, body: { method: 'POST', bytes: 12_345 } });
    expect(out.download).toMatchObject({ status: 200 });
    expect((out.download as { bytes: number }).bytes).toBeGreaterThanOrEqual(4_000_000);
    expect(out.upload).toMatchObject({ status: 200, body: { bytes: 128 * 64 * 1024 } });
    out.rpc.forEach((answer, i) =>
      expect(answer).toEqual({ status: 200, body: { jsonrpc: '2.0', id: `py-${i}`, result: { caller: i } } }),
    );
    const counters = a.counters();
    expect(counters.rpcCalls).toBe(50);
    expect((counters.requestsByRoute['/rpc'] ?? 0) / 50).toBeLessThanOrEqual(0.2);
    expect(out.shed[0].status).toBe(200);
    expect(out.shed[1]).toMatchObject({ status: 503, body: { error: { code: 'SLIP_ERR_OVERLOADED' } } });
    expect(Number(out.shed[1].retryAfter)).toBeGreaterThanOrEqual(1);
    expect(out.pair.slice(10).every((s) => s === 200)).toBe(true);
    expect(bad.counters().requestsReceived * 5).toBeLessThan(good.counters().requestsReceived);
    expect(out.unknownHost).toMatchObject({ status: 421, body: { error: { code: 'SLIP_ERR_REFUSED' } } });
    expect(out.forwardProxy).toBe(421);
    expect(victim.seen).toHaveLength(0);
  });

  it('SIGHUP with a changed route file moves traffic without a failed request', async () => {
    const statuses: number[] = [];
    const upstreams: string[] = [];
    const get = async (): Promise<void> => {
      const res = await send(sidecar.proxyUrl, { path: '/api/moving' });
      statuses.push(res.status);
      upstreams.push((res.json as { upstream: string }).upstream);
    };
    for (let i = 0; i < 5; i++) await get();
    writeFileSync(file, stringify(config('b')));
    sidecar.child.kill('SIGHUP');
    for (let i = 0; i < 2_000 && upstreams.at(-1) !== 'b'; i++) await get();
    for (let i = 0; i < 5; i++) await get();
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(upstreams[0]).toBe('a');
    expect(upstreams.slice(-5)).toEqual(['b', 'b', 'b', 'b', 'b']);
  });

  it('SIGTERM with 100 requests in flight: all 100 complete, /readyz fails meanwhile, then exit 0', async () => {
    b.setBehaviour({ latencyMs: 300 });
    const requests = Array.from({ length: 100 }, (_, i) =>
      send(sidecar.proxyUrl, { path: `/api/drain/${i}` }),
    );
    // 100 in flight, plus the stats request itself.
    while ((await stats()).inFlight < 101) await new Promise((resolve) => setTimeout(resolve, 10));
    sidecar.child.kill('SIGTERM');
    let readyz = 0;
    while (readyz !== 503) {
      readyz = (await send(sidecar.adminUrl!, { path: '/readyz' }).catch(() => ({ status: -1 }))).status;
      if (readyz === -1) break;
    }
    const answers = await Promise.all(requests);
    expect(readyz).toBe(503);
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(await sidecar.exitCode).toBe(0);
  });
});
