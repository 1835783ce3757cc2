import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Logger, TopicPayload } from '@slipstream/contracts';
import { MessageBus } from '@slipstream/core';
import type { SidecarConfigInput, SidecarReadyMessage } from '@slipstream/sidecar';
import { forkTsProcess, startUpstream } from '@slipstream/testkit';

/** Sidecar processes the push must reach. */
export const FLEET_NODES = 3;
/** Pushes measured. */
export const FLEET_PUSHES = 5;
/** How long one push may take to be answered by every sidecar before the sample counts as missed, ms. */
export const FLEET_PUSH_TIMEOUT_MS = 10_000;
/** How long a sidecar may take to stop after SIGTERM before it is killed, ms. */
const STOP_TIMEOUT_MS = 10_000;

/** One push: when the last sidecar applied it, and how long `pushConfig` itself took. */
export interface FleetPushSample {
  /** From calling `pushConfig` to the last of the sidecars' `config.applied` for its revision, ms; NaN when not every sidecar applied it within `FLEET_PUSH_TIMEOUT_MS`. */
  toLastAppliedMs: number;
  /** `pushConfig` alone (connect, read and validate the file, store the revision, close), ms. */
  pushCallMs: number;
  /** Why sidecars rejected the revision (none when all applied it). */
  rejections: string[];
}

/** What `measureFleetPush` measured, and how the sidecars ended. */
export interface FleetPushRun {
  samples: FleetPushSample[];
  /** Each sidecar's exit after SIGTERM: its exit code, or `killed` when it did not stop in time. */
  exits: (number | null | 'killed')[];
}

/**
 * Times `FLEET_PUSHES` pushes of a fleet configuration through `pushConfig` (what `slipstream
 * config push FILE` runs: a file read, validated and stored as the bucket's next revision) to the
 * last `config.applied` of that revision seen on the bus from `FLEET_NODES` `slipstream sidecar`
 * processes (forked from the package's runnable entry, each with a `fleet` section on the bucket
 * and its own NATS connections). Each revision moves the route `/` between two clusters of one
 * testkit upstream, so every sidecar rebuilds its routes. The bucket and the files are created
 * for the run and removed after it; the sidecars are stopped with SIGTERM and awaited.
 */
export async function measureFleetPush(server: string, logger: Logger): Promise<FleetPushRun> {
  const { NatsTransport, connectNats } = await import('@slipstream/transport-nats');
  const { pushConfig } = await import('@slipstream/sidecar');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const servers = [`nats://${server}`];
  const namespace = `benchfleet${process.pid}`;
  const bucket = `bench_fleet_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'slip-bench-fleet-'));
  const upstream = await startUpstream({ name: 'fleet' });
  const network = (cluster: string): SidecarConfigInput['network'] => ({
    clusters: ['a', 'b'].map((c) => ({ cluster: c, endpoints: [{ origin: upstream.origin }] })),
    routes: [{ id: 'all', match: { path: '/' }, cluster }],
  });
  const transport = new NatsTransport({ servers, namespace, name: 'bench-fleet-observer' }, logger);
  const sidecars: ChildProcess[] = [];
  const exits: FleetPushRun['exits'] = [];
  try {
    await transport.connect();
    const observer = new MessageBus(transport, logger, { source: 'bench-fleet-observer' });
    const applied = new Map<number, { nodes: Set<string>; lastAt: number }>();
    const rejected = new Map<number, string[]>();
    observer.subscribe('config.applied', (p: TopicPayload<'config.applied'>) => {
      const seen = applied.get(p.revision) ?? { nodes: new Set<string>(), lastAt: 0 };
      seen.nodes.add(p.node);
      seen.lastAt = performance.now();
      applied.set(p.revision, seen);
    });
    observer.subscribe('config.rejected', (p: TopicPayload<'config.rejected'>) => {
      rejected.set(p.revision, [...(rejected.get(p.revision) ?? []), `${p.node}: ${p.reason}`]);
    });
    await observer.flush();

    const entry = join(dirname(require.resolve('@slipstream/sidecar')), 'bin', 'sidecar.ts');
    // Settled, not all: a sidecar still starting when another fails must be stopped too.
    const starts = await Promise.allSettled(
      Array.from({ length: FLEET_NODES }, async (_, i) => {
        const node = `bench-sidecar-${i}`;
        const file = join(dir, `${node}.json`);
        const config: SidecarConfigInput = {
          log: { level: 'error', format: 'json' },
          nodeId: node,
          bus: { transport: 'nats', servers, namespace },
          discovery: { enabled: false },
          network: network('a'),
          sidecar: { listen: { port: 0 }, admin: { enabled: false }, watch: false },
          fleet: { bucket, node },
        };
        writeFileSync(file, JSON.stringify(config));
        const { child } = await forkTsProcess(entry, {
          args: ['--config', file],
          label: node,
          readyMessage: (m) =>
            (m as Partial<SidecarReadyMessage>).type === 'sidecar.ready'
              ? (m as SidecarReadyMessage)
              : undefined,
        });
        sidecars.push(child);
      }),
    );
    const failed = starts.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;

    const samples: FleetPushSample[] = [];
    for (let i = 0; i < FLEET_PUSHES; i++) {
      const file = join(dir, `push-${i}.json`);
      writeFileSync(file, JSON.stringify({ network: network(i % 2 === 0 ? 'b' : 'a') }));
      const before = performance.now();
      const revision = await pushConfig({ file, servers, bucket });
      const pushCallMs = performance.now() - before;
      const deadline = before + FLEET_PUSH_TIMEOUT_MS;
      const answered = (): number =>
        (applied.get(revision)?.nodes.size ?? 0) + (rejected.get(revision)?.length ?? 0);
      while (answered() < FLEET_NODES && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1));
      }
      const done = applied.get(revision);
      samples.push({
        toLastAppliedMs: done?.nodes.size === FLEET_NODES ? done.lastAt - before : Number.NaN,
        pushCallMs,
        rejections: rejected.get(revision) ?? [],
      });
    }
    return { samples, exits };
  } finally {
    exits.push(...(await Promise.all(sidecars.map(stopSidecar))));
    await transport.close();
    const nc = await connectNats({ servers });
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => false);
    await nc.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGTERM (the sidecar drains and exits), then its exit code; SIGKILL after `STOP_TIMEOUT_MS`. */
function stopSidecar(child: ChildProcess): Promise<number | null | 'killed'> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('killed');
    }, STOP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
