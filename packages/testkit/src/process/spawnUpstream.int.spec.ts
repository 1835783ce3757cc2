import { ConfigError } from '@slipstream/contracts';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonOf, rawRequest, until } from '../../test/httpRequest';
import { startRecordingServer } from '../../test/recordingServer';
import { UpstreamProcessError } from '../errors/UpstreamProcessError';
import { WaitTimeoutError } from '../errors/WaitTimeoutError';
import type { SpawnedUpstream } from './SpawnedUpstream';
import { spawnUpstream } from './spawnUpstream';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe(spawnUpstream, () => {
  let proc: SpawnedUpstream;

  beforeAll(async () => {
    proc = await spawnUpstream({ name: 'child', seed: 9 });
  }, 60_000);

  afterAll(async () => {
    await proc.close();
  });

  describe('when the child is ready', () => {
    it('serves on its own port and reports its counters over the admin API', async () => {
      const res = await rawRequest(`${proc.url}/p`);

      expect(jsonOf(res)).toMatchObject({ upstream: 'child', path: '/p' });
      expect(proc.pid).not.toBe(process.pid);
      expect(proc.seed).toBe(9);
      await until(async () => (await proc.counters()).requestsServed === 1);
      await proc.resetCounters();
      expect((await proc.counters()).requestsServed).toBe(0);
    });
  });

  describe('.setBehaviour() and .setHealthy()', () => {
    it('change what the child answers', async () => {
      await proc.setBehaviour([{ match: { path: '/teapot' }, behaviour: { status: 418 } }]);
      await proc.setHealthy(false);

      expect((await rawRequest(`${proc.url}/teapot`)).status).toBe(418);
      expect((await rawRequest(`${proc.url}/health`)).status).toBe(503);
      await proc.setBehaviour([]);
      await proc.setHealthy(true);
    });

    it('when the behaviour is invalid, rejects with a ConfigError', async () => {
      await expect(proc.setBehaviour({ status: 42 })).rejects.toBeInstanceOf(ConfigError);
    });
  });

  describe('.waitForInFlight()', () => {
    it('resolves when requests hang in the child, and rejects with WaitTimeoutError on timeout', async () => {
      await proc.setBehaviour({ hang: true });
      const controller = new AbortController();
      const hanging = rawRequest(`${proc.url}/h`, { signal: controller.signal });

      await proc.waitForInFlight(1);
      await expect(proc.waitForInFlight(5, 50)).rejects.toBeInstanceOf(WaitTimeoutError);
      controller.abort();
      await expect(hanging).rejects.toThrow();
      await proc.setBehaviour({});
    });
  });

  describe('.stop() and .restart()', () => {
    it('refuse connections while stopped and serve again on the same port', async () => {
      await proc.stop();
      await expect(rawRequest(`${proc.url}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await proc.restart();

      expect((await rawRequest(`${proc.url}/x`)).status).toBe(200);
    });
  });

  describe('.kill()', () => {
    it('ends the process; the port is refused and the admin API fails with UpstreamProcessError', async () => {
      const victim = await spawnUpstream();
      const pid = victim.pid!;

      await victim.kill();

      expect(isAlive(pid)).toBe(false);
      await expect(rawRequest(`${victim.url}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(victim.counters()).rejects.toBeInstanceOf(UpstreamProcessError);
      await victim.close();
    }, 60_000);
  });

  describe('when it forwards to a real upstream', () => {
    it('forwards and counts in the child; kill() ends the proxy and leaves the real upstream serving', async () => {
      const real = await startRecordingServer(() => ({ status: 200, body: '{"real":true}' }));
      const forwarding = await spawnUpstream({ forwardTo: { origin: real.origin } });
      try {
        expect(jsonOf(await rawRequest(`${forwarding.url}/f`))).toEqual({ real: true });
        await until(async () => (await forwarding.counters()).requestsByRoute['/f'] === 1);

        await forwarding.kill();

        await expect(rawRequest(`${forwarding.url}/f`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
        expect((await rawRequest(`${real.origin}/direct`)).status).toBe(200);
        expect(real.seen.map((r) => r.url)).toEqual(['/f', '/direct']);
      } finally {
        await forwarding.close();
        await real.close();
      }
    }, 60_000);
  });

  describe('when the parent process dies', () => {
    it('the child exits too (no orphan)', async () => {
      const parent = fork(join(__dirname, '../../test/spawnAndWait.ts'), [], {
        execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const exited = new Promise((resolve) => parent.once('exit', resolve));
      const childPid = await new Promise<number>((resolve) =>
        parent.once('message', (m: { pid: number }) => resolve(m.pid)),
      );

      parent.kill('SIGKILL');
      await exited;

      await until(() => !isAlive(childPid), 20_000);
    }, 60_000);
  });

  describe('when an option is invalid', () => {
    it('rejects with a ConfigError before forking', async () => {
      await expect(spawnUpstream({ port: 70_000 })).rejects.toBeInstanceOf(ConfigError);
      await expect(spawnUpstream({ startTimeoutMs: 0 })).rejects.toBeInstanceOf(ConfigError);
    });
  });
});
