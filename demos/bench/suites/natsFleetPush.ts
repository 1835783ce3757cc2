import { performance } from 'node:perf_hooks';

import type { Logger, TopicPayload } from '@slipstream/contracts';
import { MessageBus } from '@slipstream/core';

/** Watcher nodes the push must reach. */
export const FLEET_NODES = 3;
/** Pushes measured. */
export const FLEET_PUSHES = 5;
/** How long one push may take to reach every node before the sample counts as missed, ms. */
export const FLEET_PUSH_TIMEOUT_MS = 10_000;

/** What `measureFleetPush` measured: one sample per push, ms (NaN: not every node applied in time). */
export interface FleetPushRun {
  samplesMs: number[];
}

/**
 * Times `FLEET_PUSHES` pushes of a fleet configuration from `FleetConfigStore.push()` to the
 * last of `FLEET_NODES` `config.applied` events seen on the bus. Each node is a
 * `FleetConfigWatcher` with NATS connections of its own (bus and key-value) in this process;
 * the bucket is created for the run and deleted after it.
 */
export async function measureFleetPush(server: string, logger: Logger): Promise<FleetPushRun> {
  const { FleetConfigStore, FleetConfigWatcher, NatsTransport, connectNats } =
    await import('@slipstream/transport-nats');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const namespace = `benchfleet${process.pid}`;
  const bucket = `bench_fleet_${process.pid}`;
  const buses: MessageBus[] = [];
  const connections = await Promise.all(
    Array.from({ length: FLEET_NODES + 1 }, () => connectNats({ servers: server })),
  );
  const openBus = async (name: string): Promise<MessageBus> => {
    const transport = new NatsTransport({ servers: [server], namespace, name }, logger);
    await transport.connect();
    const bus = new MessageBus(transport, logger, { source: name, checkSerializable: false });
    buses.push(bus);
    return bus;
  };
  const watchers: InstanceType<typeof FleetConfigWatcher>[] = [];
  try {
    const observer = await openBus('bench-observer');
    const applied = new Map<number, number>();
    let lastAppliedAt = 0;
    observer.subscribe('config.applied', (p: TopicPayload<'config.applied'>) => {
      applied.set(p.revision, (applied.get(p.revision) ?? 0) + 1);
      lastAppliedAt = performance.now();
    });
    await observer.flush();
    for (let i = 0; i < FLEET_NODES; i++) {
      const node = `bench-node-${i}`;
      const watcher = new FleetConfigWatcher({
        node,
        bucket,
        validate: (input: unknown) => input,
        apply: () => undefined,
        bus: await openBus(node),
        logger,
      });
      await watcher.start(connections[i]!);
      watchers.push(watcher);
    }
    const store = await FleetConfigStore.open(connections[FLEET_NODES]!, {
      bucket,
      validate: (x: unknown) => x,
    });
    const samplesMs: number[] = [];
    for (let i = 0; i < FLEET_PUSHES; i++) {
      const started = performance.now();
      const { revision } = await store.push({ route: { api: `cluster-${i}` } });
      const deadline = started + FLEET_PUSH_TIMEOUT_MS;
      while ((applied.get(revision) ?? 0) < FLEET_NODES && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1));
      }
      samplesMs.push((applied.get(revision) ?? 0) === FLEET_NODES ? lastAppliedAt - started : Number.NaN);
    }
    return { samplesMs };
  } finally {
    await Promise.all(watchers.map((w) => w.stop()));
    await Promise.all(buses.map((b) => b.close()));
    const jsm = await jetstreamManager(connections[0]!);
    await jsm.streams.delete(`KV_${bucket}`).catch(() => false);
    await Promise.all(connections.map((nc) => nc.close()));
  }
}
