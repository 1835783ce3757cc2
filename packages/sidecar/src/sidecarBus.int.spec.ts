import { RemoteError } from '@slipstream/contracts';
import { createLogger, MessageBus } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { NatsTransport } from '@slipstream/transport-nats';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SidecarConfigInput } from './config/SidecarConfig';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { send } from './test/httpExchange';

const logger = createLogger({ silent: true });
const SERVERS = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];

/** The `fs.watch` handles open now. */
const fsWatchers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;

/** Requests `/api/x` until the answer comes from `upstream` (at most `max` times); resolves with the statuses seen. */
async function until(url: string, upstream: string, max = 2_000): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < max; i++) {
    const res = await send(url, { path: '/api/x' });
    statuses.push(res.status);
    if ((res.json as { upstream?: string }).upstream === upstream) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`traffic never reached ${upstream}`);
}

describe('the sidecar on the bus and its config file', () => {
  let a: Upstream;
  let b: Upstream;
  const config = (apiCluster: string, extra: Partial<SidecarConfigInput> = {}): SidecarConfigInput => ({
    network: {
      clusters: [
        { cluster: 'a', endpoints: [{ origin: a.origin }] },
        { cluster: 'b', endpoints: [{ origin: b.origin }] },
      ],
      routes: [{ id: 'api', match: { path: '/api/' }, cluster: apiCluster }],
    },
    sidecar: { listen: { port: 0 }, admin: { enabled: false } },
    ...extra,
  });

  beforeAll(async () => {
    [a, b] = await Promise.all([startUpstream({ name: 'a' }), startUpstream({ name: 'b' })]);
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  describe('over NATS', () => {
    const namespace = `slipsidecar${randomBytes(4).toString('hex')}`;
    let sidecar: RunningSidecar;
    let transport: NatsTransport;
    let bus: MessageBus;

    beforeAll(async () => {
      sidecar = await startSidecar({
        logger,
        config: config('a', {
          bus: { transport: 'nats', servers: SERVERS, namespace },
          discovery: { enabled: false },
        }),
      });
      transport = new NatsTransport({ servers: SERVERS, name: 'sidecar-commander', namespace }, logger);
      bus = new MessageBus(transport, logger, { source: 'commander' });
      await transport.connect();
    });
    afterAll(async () => {
      await bus.close();
      await sidecar.stop();
    });

    it('takes network.routing.configure from another connection: the proxy’s traffic moves', async () => {
      const reply = await bus.request('network.routing.configure', {
        routes: [{ id: 'api', match: { path: '/api/' }, cluster: 'b' }],
      });
      expect(reply.applied.routes).toHaveLength(1);
      expect((await send(sidecar.proxyUrl, { path: '/api/x' })).json).toMatchObject({ upstream: 'b' });
    });

    it('serves the hosts of routes set over the bus and refuses with 421 a host whose route the bus removed', async () => {
      const api = { id: 'api', match: { path: '/api/' }, cluster: 'b' };
      const withHost = (host: string) => send(sidecar.proxyUrl, { path: '/x', headers: { host } });
      await bus.request('network.routing.configure', {
        routes: [api, { id: 'old', match: { host: 'old.local' }, cluster: 'a' }],
      });
      const old = await withHost('old.local');
      expect([old.status, (old.json as { upstream?: string }).upstream]).toEqual([200, 'a']);
      await bus.request('network.routing.configure', {
        routes: [api, { id: 'new', match: { host: 'new.local:8080' }, cluster: 'b' }],
      });
      const [added, removed] = await Promise.all([withHost('new.local:8080'), withHost('old.local')]);
      expect([added.status, (added.json as { upstream?: string }).upstream]).toEqual([200, 'b']);
      expect(removed.status).toBe(421);
      await bus.request('network.routing.configure', { routes: [api] });
      expect((await withHost('new.local:8080')).status).toBe(421);
    });

    it('answers network.proxy.request (a command merged into CommandMap by this package)', async () => {
      const reply = await bus.request('network.proxy.request', { req: { path: '/api/y' }, opts: {} });
      expect(reply.statusCode).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ path: '/api/y' });
    });

    it('answers network.proxy.request with a response too large for a bus reply (1 MiB and more) with the error, at once, not a timeout', async () => {
      for (const up of [a, b])
        up.setBehaviour([{ match: { path: '/api/big' }, behaviour: { bodySize: 1_100_000 } }]);
      try {
        const started = performance.now();
        const error: unknown = await bus
          .request('network.proxy.request', { req: { path: '/api/big' }, opts: {} }, { timeoutMs: 5_000 })
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(error).toBeInstanceOf(RemoteError);
        expect((error as RemoteError).remote.code).toBe('SLIP_ERR_PAYLOAD_TOO_LARGE');
        // The responder is still there: the next (small) reply gets through.
        const reply = await bus.request('network.proxy.request', { req: { path: '/api/small' }, opts: {} });
        expect(reply.statusCode).toBe(200);
      } finally {
        for (const up of [a, b]) up.setBehaviour({});
      }
    });
  });

  describe('with sidecar.watch', () => {
    it('reloads when the config file changes, without a failed request', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-watch-'));
      const file = join(dir, 'sidecar.yaml');
      writeFileSync(file, stringify(config('a')));
      const sidecar = await startSidecar({ configFile: file, logger });
      try {
        expect((await send(sidecar.proxyUrl, { path: '/api/x' })).json).toMatchObject({ upstream: 'a' });
        writeFileSync(file, stringify(config('b')));
        const statuses = await until(sidecar.proxyUrl, 'b');
        expect(statuses.every((s) => s === 200)).toBe(true);
      } finally {
        await sidecar.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('keeps reloading after the file is replaced by rename (twice) and deleted and created again, and leaves no watcher behind', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-watch-'));
      const file = join(dir, 'sidecar.yaml');
      /** Saves the config as vim or `mv` does: a new file renamed over the old one. */
      const replace = (cluster: string): void => {
        writeFileSync(`${file}.new`, stringify(config(cluster)));
        renameSync(`${file}.new`, file);
      };
      writeFileSync(file, stringify(config('a')));
      const watchersBefore = fsWatchers();
      const sidecar = await startSidecar({ configFile: file, logger });
      try {
        replace('b');
        await until(sidecar.proxyUrl, 'b');
        replace('a');
        await until(sidecar.proxyUrl, 'a');
        unlinkSync(file);
        // Missing past the quiet spell: nothing is reloaded until it is back.
        await new Promise((r) => setTimeout(r, 150));
        writeFileSync(file, stringify(config('b')));
        await until(sidecar.proxyUrl, 'b');
        writeFileSync(file, stringify(config('a')));
        const statuses = await until(sidecar.proxyUrl, 'a');
        expect(statuses.every((s) => s === 200)).toBe(true);
      } finally {
        await sidecar.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      // A closed watcher's handle goes at the next turns of the loop.
      for (let i = 0; i < 100 && fsWatchers() > watchersBefore; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(fsWatchers()).toBe(watchersBefore);
    });

    it('reloads when a symlinked file is pointed elsewhere (a Kubernetes ConfigMap swap), then when the new target changes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-watch-'));
      const file = join(dir, 'sidecar.yaml');
      /** Writes a version directory and swaps `..data` to it, as the kubelet does. */
      const swap = (version: string, cluster: string): void => {
        mkdirSync(join(dir, version));
        writeFileSync(join(dir, version, 'sidecar.yaml'), stringify(config(cluster)));
        symlinkSync(version, join(dir, '..data_tmp'));
        renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      };
      swap('..v1', 'a');
      symlinkSync(join('..data', 'sidecar.yaml'), file);
      const sidecar = await startSidecar({ configFile: file, logger });
      try {
        expect((await send(sidecar.proxyUrl, { path: '/api/x' })).json).toMatchObject({ upstream: 'a' });
        swap('..v2', 'b');
        rmSync(join(dir, '..v1'), { recursive: true });
        await until(sidecar.proxyUrl, 'b');
        writeFileSync(join(dir, '..v2', 'sidecar.yaml'), stringify(config('a')));
        const statuses = await until(sidecar.proxyUrl, 'a');
        expect(statuses.every((s) => s === 200)).toBe(true);
      } finally {
        await sidecar.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
