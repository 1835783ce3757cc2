import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startUpstream, type Upstream } from '@slipstream/testkit';

import type { TargetBenchResult } from './benchTarget';
import { runTargetBench } from './runTargetBench';
import { targetOptionsOf } from './targetOptionsOf';

/** Collects what the command writes. */
function capture(): { out: string[]; err: string[]; io: { out(t: string): void; err(t: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => void out.push(t), err: (t) => void err.push(t) } };
}

describe('runTargetBench', () => {
  let upstream: Upstream;
  let dir: string;

  beforeAll(async () => {
    upstream = await startUpstream({ requestLogSize: 0 });
    dir = await mkdtemp(join(tmpdir(), 'slipstream-bench-'));
  });

  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when the target answers, prints the markdown table, writes the JSON record and resolves 0', async () => {
    const c = capture();
    const json = join(dir, 'result.json');
    const options = targetOptionsOf({
      target: `${upstream.url}/hello`,
      duration: '1.2',
      connections: '4',
      json,
    });
    expect(await runTargetBench(options, c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/\| slipstream pipeline \|/);
    expect(c.out.join('')).toMatch(/pipelineVsFetch: \*\*/);
    const result = JSON.parse(await readFile(json, 'utf8')) as TargetBenchResult;
    expect(Object.keys(result.results)).toEqual(['new connection', 'fetch', 'slipstream pipeline']);
    expect(result.ratios.pipelineVsFetch).toBeGreaterThan(0);
    expect(result.ratios.pipelineVsNewConnection).toBeGreaterThan(0);
    for (const summary of Object.values(result.results)) expect(summary.errors).toBe(0);
    expect(upstream.counters().requestsByRoute['/hello']).toBeGreaterThan(0);
  }, 60_000);

  it('when nothing listens on the target, rejects naming it and the cause', async () => {
    const port = await freePort();
    const c = capture();
    await expect(
      runTargetBench(targetOptionsOf({ target: `http://127.0.0.1:${port}/` }), c.io),
    ).rejects.toThrow(new RegExp(`^cannot reach http://127.0.0.1:${port}/: .*ECONNREFUSED`));
    expect(c.out).toEqual([]);
  });

  it('when the target answers with a non-2xx status, rejects saying so', async () => {
    upstream.setBehaviour([{ match: { path: '/missing' }, behaviour: { status: 404 } }]);
    const c = capture();
    await expect(
      runTargetBench(targetOptionsOf({ target: `${upstream.url}/missing` }), c.io),
    ).rejects.toThrow(`${upstream.url}/missing answered 404 to GET; the benchmark needs a 2xx answer`);
    upstream.setBehaviour([]);
  });
});
