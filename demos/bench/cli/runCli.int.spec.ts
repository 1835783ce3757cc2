import { freePort, startUpstream, type Upstream } from '@slipstream/testkit';

import type { TargetBenchResult } from './benchTarget';
import { runCli } from './runCli';

/** Collects what the CLI writes. */
function capture(): { out: string[]; err: string[]; io: { out(t: string): void; err(t: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => void out.push(t), err: (t) => void err.push(t) } };
}

describe('runCli', () => {
  let upstream: Upstream;

  beforeAll(async () => {
    upstream = await startUpstream({ requestLogSize: 0 });
  });

  afterAll(async () => {
    await upstream.close();
  });

  describe('.runCli()', () => {
    it('when the target answers, prints the ratios as JSON and exits 0', async () => {
      const c = capture();
      const code = await runCli(
        ['bench', '--target', `${upstream.url}/hello`, '--duration', '1.2', '--connections', '4', '--json'],
        c.io,
      );
      expect(code).toBe(0);
      const result = JSON.parse(c.out.join('')) as TargetBenchResult;
      expect(Object.keys(result.results)).toEqual(['new connection', 'fetch', 'slipstream pipeline']);
      expect(result.ratios.pipelineVsFetch).toBeGreaterThan(0);
      expect(result.ratios.pipelineVsNewConnection).toBeGreaterThan(0);
      for (const summary of Object.values(result.results)) expect(summary.errors).toBe(0);
      expect(upstream.counters().requestsByRoute['/hello']).toBeGreaterThan(0);
    }, 60_000);

    it('when the target answers, prints a markdown table by default', async () => {
      const c = capture();
      const code = await runCli(['bench', '--target', `${upstream.url}/`, '--duration', '0.6'], c.io);
      expect(code).toBe(0);
      expect(c.out.join('')).toMatch(/\| slipstream pipeline \|/);
      expect(c.out.join('')).toMatch(/pipelineVsFetch: \*\*/);
    }, 60_000);

    it('when the URL is invalid, prints one error line plus the usage and exits 2', async () => {
      const c = capture();
      expect(await runCli(['bench', '--target', 'localhost:99999'], c.io)).toBe(2);
      expect(c.err[0]).toMatch(
        /^slipstream: invalid configuration: --target: expected an http:\/\/ or https:\/\/ URL/,
      );
      expect(c.err[0]!.trim().split('\n')).toHaveLength(1);
      expect(c.out).toEqual([]);
    });

    it('when nothing listens on the target, prints one error line and exits 1', async () => {
      const port = await freePort();
      const c = capture();
      expect(await runCli(['bench', '--target', `http://127.0.0.1:${port}/`], c.io)).toBe(1);
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).toMatch(
        new RegExp(`^slipstream: cannot reach http://127.0.0.1:${port}/: .*ECONNREFUSED`),
      );
      expect(c.out).toEqual([]);
    });

    it('when the target answers with a non-2xx status, says so in one line and exits 1', async () => {
      upstream.setBehaviour([{ match: { path: '/missing' }, behaviour: { status: 404 } }]);
      const c = capture();
      expect(await runCli(['bench', '--target', `${upstream.url}/missing`], c.io)).toBe(1);
      expect(c.err).toEqual([
        `slipstream: ${upstream.url}/missing answered 404 to GET; the benchmark needs a 2xx answer\n`,
      ]);
      upstream.setBehaviour([]);
    });
  });
});
