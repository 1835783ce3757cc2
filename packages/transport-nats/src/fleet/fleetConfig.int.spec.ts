import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { ConfigError, type TopicPayload } from '@slipstream/contracts';
import { coreConfigSchema, MessageBus, parseConfig } from '@slipstream/core';

import { RecordingLogger } from '../../test/RecordingLogger';
import { SHARED_NATS, uniqueSuffix, waitFor } from '../../test/natsTestUtils';
import { connectNats } from '../connectNats';
import { NatsTransport } from '../NatsTransport';
import { FleetConfigStore } from './FleetConfigStore';

const suffix = uniqueSuffix();
const namespace = `slipfleet${suffix}`;
const bucket = `slipfleet_${suffix}`;
const children: ChildProcess[] = [];
let raw: NatsConnection;
let bus: MessageBus;
let store: FleetConfigStore;
const applied: TopicPayload<'config.applied'>[] = [];
const rejected: TopicPayload<'config.rejected'>[] = [];

/** Starts a node process; resolves once its watcher has handled the latest revision. */
function startNode(node: string): Promise<ChildProcess> {
  const child = fork(join(__dirname, '../../test/fleetNode.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NATS_URL: SHARED_NATS,
      SLIP_NAMESPACE: namespace,
      SLIP_BUCKET: bucket,
      SLIP_NODE: node,
    },
    stdio: 'ignore',
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`node ${node} exited with ${code}`)));
  });
}

function validate(input: unknown): unknown {
  return parseConfig(coreConfigSchema, input);
}

/** What `node` says is in force, asked over the bus. */
async function current(node: string): Promise<{ revision?: number; route?: unknown }> {
  const reply: unknown = await bus.request(`fleet.${node}.current` as never, {} as never, {
    timeoutMs: 10_000,
  });
  return reply as { revision?: number; route?: unknown };
}

const nodes = ['n1', 'n2', 'n3'].map((n) => `${n}-${suffix}`);

beforeAll(async () => {
  raw = await connectNats({ servers: SHARED_NATS });
  const transport = new NatsTransport(
    { servers: [SHARED_NATS], namespace, name: 'fleet-test' },
    new RecordingLogger(),
  );
  await transport.connect();
  bus = new MessageBus(transport, new RecordingLogger(), { source: 'fleet-test' });
  bus.subscribe('config.applied', (p) => void applied.push(p));
  bus.subscribe('config.rejected', (p) => void rejected.push(p));
  await bus.flush();
  store = await FleetConfigStore.open(raw, { bucket, validate });
  await Promise.all(nodes.map(startNode));
}, 60_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await bus.close();
  const jsm = await jetstreamManager(raw);
  await jsm.streams.delete(`KV_${bucket}`).catch(() => false);
  await raw.close();
});

describe(FleetConfigStore, () => {
  it('when a revision is pushed, all three nodes apply it and report applied with its revision', async () => {
    const { revision } = await store.push({ route: { api: 'cluster-a' } });
    await waitFor(() => applied.filter((a) => a.revision === revision).length === 3);
    expect(new Set(applied.map((a) => a.node))).toEqual(new Set(nodes));
    for (const node of nodes)
      await expect(current(node)).resolves.toEqual({ revision, route: { api: 'cluster-a' } });
  });

  it('when push() gets an invalid configuration, rejects with a ConfigError naming the path and stores nothing', async () => {
    const before = await store.latest();
    const err = await store.push({ orchestrator: { drainTimeoutMs: -1 } }).catch((e: unknown) => e);
    expect(ConfigError.is(err)).toBe(true);
    expect((err as ConfigError).issues[0]).toMatchObject({ path: 'orchestrator.drainTimeoutMs' });
    expect((await store.latest())?.revision).toBe(before?.revision);
  });

  it('when an invalid revision reaches the bucket, all three reject it with the reason and keep the old one', async () => {
    const good = await store.push({ route: { api: 'cluster-b' } });
    await waitFor(() => applied.filter((a) => a.revision === good.revision).length === 3);
    // A pusher that skipped validation (another version of the tool, a hand edit).
    const kv = await new Kvm(raw).open(bucket);
    const bad = await kv.put(
      'config',
      JSON.stringify({ route: { api: 'cluster-c' }, orchestrator: { drainTimeoutMs: -1 } }),
    );
    await waitFor(() => rejected.filter((r) => r.revision === bad).length === 3);
    for (const r of rejected.filter((x) => x.revision === bad)) {
      expect(r).toMatchObject({
        current: good.revision,
        reason: expect.stringContaining('orchestrator.drainTimeoutMs') as unknown,
      });
    }
    for (const node of nodes) {
      await expect(current(node)).resolves.toEqual({ revision: good.revision, route: { api: 'cluster-b' } });
    }
    const status = await store.status();
    expect(status.map((s) => [s.node, s.revision, s.state, s.lastSeen])).toEqual(
      nodes.map((n) => [n, good.revision, 'rejected', bad]).sort(),
    );
  });

  it('when a node starts after the push, it comes up on the latest valid revision', async () => {
    const latest = await store.push({ route: { api: 'cluster-d' } });
    await waitFor(() => applied.filter((a) => a.revision === latest.revision).length === 3);
    const late = `late-${suffix}`;
    await startNode(late);
    await expect(current(late)).resolves.toEqual({ revision: latest.revision, route: { api: 'cluster-d' } });

    // The latest revision is invalid: a node starting now rejects it and falls back to the one before.
    const kv = await new Kvm(raw).open(bucket);
    const bad = await kv.put('config', JSON.stringify({ nodeId: '' }));
    const later = `later-${suffix}`;
    await startNode(later);
    await expect(current(later)).resolves.toEqual({ revision: latest.revision, route: { api: 'cluster-d' } });
    expect(rejected.some((r) => r.node === later && r.revision === bad)).toBe(true);
  });
});
