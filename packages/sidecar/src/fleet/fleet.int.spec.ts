import { jetstreamManager } from '@nats-io/jetstream';
import type { TopicPayload } from '@slipstream/contracts';
import { createLogger, MessageBus } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { connectNats, FleetConfigStore, NatsTransport } from '@slipstream/transport-nats';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SidecarConfigInput } from '../config/SidecarConfig';
import { forkSidecar, type ForkedSidecar } from '../test/forkSidecar';
import { send } from '../test/httpExchange';
import { configStatus, pushConfig } from './fleetCommands';

const SERVERS = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];
const suffix = randomBytes(4).toString('hex');
const namespace = `slipfleetcar${suffix}`;
const bucket = `slipfleetcar_${suffix}`;
const logger = createLogger({ silent: true });

/** Polls `predicate` until it holds; rejects after `timeoutMs` (a bound on the wait, not an assertion on timing). */
async function waitFor(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sidecars following a fleet configuration bucket (three processes on one NATS)', () => {
  let a: Upstream;
  let b: Upstream;
  let dir: string;
  let transport: NatsTransport;
  let bus: MessageBus;
  const sidecars: ForkedSidecar[] = [];
  const applied: TopicPayload<'config.applied'>[] = [];
  const rejected: TopicPayload<'config.rejected'>[] = [];
  const nodes = ['s1', 's2', 's3'].map((n) => `${n}-${suffix}`);

  const network = (apiCluster: string): SidecarConfigInput['network'] => ({
    clusters: [
      { cluster: 'a', endpoints: [{ origin: a.origin }] },
      { cluster: 'b', endpoints: [{ origin: b.origin }] },
    ],
    routes: [{ id: 'api', match: { path: '/api/' }, cluster: apiCluster }],
  });

  /** Forks a sidecar whose file routes `/api/` to cluster a and follows the bucket as `node`. */
  async function startNode(node: string): Promise<ForkedSidecar> {
    const file = join(dir, `${node}.yaml`);
    const config: SidecarConfigInput = {
      log: { level: 'error', format: 'json' },
      nodeId: node,
      bus: { transport: 'nats', servers: SERVERS, namespace },
      discovery: { enabled: false },
      network: network('a'),
      sidecar: { listen: { port: 0 }, admin: { enabled: false }, watch: false },
      fleet: { bucket, node },
    };
    writeFileSync(file, stringify(config));
    const sidecar = await forkSidecar(file);
    sidecars.push(sidecar);
    return sidecar;
  }

  /**
   * Sends `n` requests to `/api/x` through each sidecar; resolves with the ones each upstream
   * counted (its health checks, which run on their own clock, left out).
   */
  async function traffic(through: readonly ForkedSidecar[], n = 3): Promise<{ a: number; b: number }> {
    a.resetCounters();
    b.resetCounters();
    for (const sidecar of through) {
      for (let i = 0; i < n; i++) expect((await send(sidecar.proxyUrl, { path: '/api/x' })).status).toBe(200);
    }
    const api = (u: Upstream): number => u.counters().requests.filter((r) => r.path === '/api/x').length;
    return { a: api(a), b: api(b) };
  }

  const push = (config: unknown): Promise<number> => {
    const file = join(dir, `push-${randomBytes(4).toString('hex')}.yaml`);
    writeFileSync(file, stringify(config));
    return pushConfig({ file, servers: SERVERS, bucket });
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startUpstream({ name: 'a' }), startUpstream({ name: 'b' })]);
    dir = mkdtempSync(join(tmpdir(), 'slip-fleet-'));
    transport = new NatsTransport({ servers: SERVERS, namespace, name: 'fleet-test' }, logger);
    await transport.connect();
    bus = new MessageBus(transport, logger, { source: 'fleet-test' });
    bus.subscribe('config.applied', (p) => void applied.push(p));
    bus.subscribe('config.rejected', (p) => void rejected.push(p));
    await bus.flush();
    for (const node of nodes) await startNode(node);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      sidecars.map((s) => {
        if (s.child.exitCode === null) s.child.kill('SIGTERM');
        return s.exitCode;
      }),
    );
    await bus.close();
    const nc = await connectNats({ servers: SERVERS });
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => false);
    await nc.close();
    await Promise.all([a.close(), b.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('before any push, each sidecar serves its own file (route api → cluster a)', async () => {
    expect(await traffic(sidecars)).toEqual({ a: 9, b: 0 });
  });

  it('a pushed revision moving the route to cluster b reaches all three; each reports applied and sends to b', async () => {
    const revision = await push({ network: network('b') });
    await waitFor('three config.applied', () => applied.filter((e) => e.revision === revision).length === 3);
    expect(
      applied
        .filter((e) => e.revision === revision)
        .map((e) => e.node)
        .sort(),
    ).toEqual(nodes);
    expect(await traffic(sidecars)).toEqual({ a: 0, b: 9 });
    const status = await configStatus({ servers: SERVERS, bucket });
    expect(status.latest).toBe(revision);
    expect(status.nodes.map((s) => [s.node, s.revision, s.state])).toEqual(
      nodes.map((n) => [n, revision, 'applied']),
    );
  });

  it('a pushed revision adding a host route: all three serve that Host (it was refused, 421, before)', async () => {
    const host = (sidecar: ForkedSidecar) =>
      send(sidecar.proxyUrl, { path: '/x', headers: { host: 'fleet.local' } }).then((r) => r.status);
    expect(await Promise.all(sidecars.map(host))).toEqual([421, 421, 421]);
    const withHost = network('b');
    withHost.routes = [...withHost.routes!, { id: 'fleet', match: { host: 'fleet.local' }, cluster: 'a' }];
    const revision = await push({ network: withHost });
    await waitFor('three config.applied', () => applied.filter((e) => e.revision === revision).length === 3);
    expect(await Promise.all(sidecars.map(host))).toEqual([200, 200, 200]);
  });

  it('pushConfig refuses an invalid file with a ConfigError naming the path, and stores nothing', async () => {
    const before = (await configStatus({ servers: SERVERS, bucket })).latest;
    await expect(push({ network: network('b'), sidecar: {} })).rejects.toMatchObject({
      code: 'SLIP_ERR_CONFIG',
      issues: [expect.objectContaining({ path: 'sidecar' })],
    });
    expect((await configStatus({ servers: SERVERS, bucket })).latest).toBe(before);
  });

  it('an invalid revision is rejected by all three with its reason; the old route keeps serving', async () => {
    const good = (await configStatus({ servers: SERVERS, bucket })).latest!;
    const nc = await connectNats({ servers: SERVERS });
    // A pusher that skipped validation (another version of the tool, a hand edit).
    const unchecked = await FleetConfigStore.open(nc, { bucket, validate: (input: unknown) => input });
    const { revision: bad } = await unchecked.push({ network: network('a'), sidecar: { watch: true } });
    await nc.close();
    await waitFor('three config.rejected', () => rejected.filter((e) => e.revision === bad).length === 3);
    for (const e of rejected.filter((x) => x.revision === bad)) {
      expect(e).toMatchObject({ current: good, reason: expect.stringContaining('sidecar') as unknown });
    }
    expect(applied.filter((e) => e.revision === bad)).toEqual([]);
    expect(await traffic(sidecars)).toEqual({ a: 0, b: 9 });
  });

  it('a revision that validates but fails half-way through applying is rejected by all three and undone; the old config keeps serving', async () => {
    const good = (await configStatus({ servers: SERVERS, bucket })).nodes[0]!.revision;
    // Cluster b's endpoint moves to upstream a (applied first), then cluster c's CA file cannot be
    // read (files are read where the cluster is applied, not by the schema): the sidecar must undo
    // the change to b.
    const moved = network('b');
    moved.clusters[1] = { cluster: 'b', endpoints: [{ origin: a.origin }] };
    const unreadable = { ca: '/nonexistent/slipstream-ca.pem' };
    moved.clusters[2] = { cluster: 'c', endpoints: [{ origin: 'https://127.0.0.1:9' }], tls: unreadable };
    const bad = await push({ network: moved });
    await waitFor('three config.rejected', () => rejected.filter((e) => e.revision === bad).length === 3);
    for (const e of rejected.filter((x) => x.revision === bad)) expect(e).toMatchObject({ current: good });
    expect(applied.filter((e) => e.revision === bad)).toEqual([]);
    expect(await traffic(sidecars)).toEqual({ a: 0, b: 9 });
  });

  it('a sidecar started after the pushes comes up on the latest valid revision, not its file', async () => {
    const { latest: bad, nodes: before } = await configStatus({ servers: SERVERS, bucket });
    const good = before[0]!.revision;
    const late = `late-${suffix}`;
    const sidecar = await startNode(late);
    // Its reports travel over NATS, its ready message over IPC: either may arrive first.
    await waitFor('the late sidecar’s config.applied', () => applied.some((e) => e.node === late));
    expect(applied.filter((e) => e.node === late).map((e) => e.revision)).toEqual([good]);
    expect(rejected.filter((e) => e.node === late).map((e) => e.revision)).toEqual([bad]);
    expect(await traffic([sidecar])).toEqual({ a: 0, b: 3 });
  });
});
