import { performance } from 'node:perf_hooks';

import type { Transport } from '@slipstream/contracts';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';

import { runRounds } from '../harness/compare';
import { useNatsServer } from '../harness/natsServer';
import type { Suite } from '../harness/suite';
import { median, ratio } from '../harness/summarize';
import { FLEET_NODES, FLEET_PUSHES, FLEET_PUSH_TIMEOUT_MS, measureFleetPush } from './natsFleetPush';

/** Messages published per run, in waves of `WAVE`. */
const PUBLISHES = 20_000;
const WAVE = 1_000;
/** Requests per run and in flight. */
const REQUESTS = 3_000;
const CONCURRENCY = 64;
/** A run's publish or request phase ends early after this long, ms. */
const MAX_PHASE_MS = 20_000;

const silent = createLogger({ silent: true });

/** What one transport measured in one run. */
interface BusRun {
  publishPerSecond: number;
  requestsPerSecond: number;
}

async function measure(transport: Transport): Promise<BusRun> {
  await transport.connect();
  const bus = new MessageBus(transport, silent, { source: 'bench', checkSerializable: false });
  try {
    let got = 0;
    bus.subscribe('bench.pub' as never, () => void got++);
    bus.respond('bench.echo' as never, (p: unknown) => p as never);
    await bus.flush();

    let started = performance.now();
    const publishDeadline = started + MAX_PHASE_MS;
    let sent = 0;
    for (; sent < PUBLISHES && performance.now() < publishDeadline; sent += WAVE) {
      await Promise.all(
        Array.from({ length: WAVE }, (_, i) => bus.publish('bench.pub' as never, (sent + i) as never)),
      );
    }
    while (got < sent && performance.now() < publishDeadline) await new Promise((r) => setImmediate(r));
    const publishPerSecond = (got / (performance.now() - started)) * 1000;

    started = performance.now();
    const requestDeadline = started + MAX_PHASE_MS;
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS && performance.now() < requestDeadline) {
          await bus.request('bench.echo' as never, next++ as never, { timeoutMs: 10_000 });
          done++;
        }
      }),
    );
    return { publishPerSecond, requestsPerSecond: (done / (performance.now() - started)) * 1000 };
  } finally {
    await bus.close();
  }
}

/** The fleet push-to-applied figure the issue targets, ms. */
const FLEET_TARGET_MS = 2_000;

/**
 * Suite `nats`: `MessageBus` publish (until the subscriber got every message) and request/reply
 * over `@slipstream/transport-nats` vs the in-process transport; then the time from `slipstream
 * config push` (`pushConfig`) to the last `config.applied` of 3 `slipstream sidecar` processes
 * (median and range of 5 pushes, `measureFleetPush`). Uses the NATS server on
 * `NATS_URL` or 127.0.0.1:4222, else starts `nats-server` on a free port for the run.
 * Sizes: 20 000 publishes (waves of 1 000) and 3 000 requests (64 in flight) per run.
 */
export const natsSuite: Suite = {
  name: 'nats',
  description: `bus publish and request/reply over NATS vs in-process (${PUBLISHES} publishes, ${REQUESTS} requests per run)`,
  async run(ctx) {
    // Loaded here, so that the other suites run even when the NATS package cannot load.
    const { NatsTransport } = await import('@slipstream/transport-nats');
    const nats = await useNatsServer(process.env.NATS_URL ?? '127.0.0.1:4222');
    ctx.progress(`NATS server ${nats.server}${nats.started ? ' (started for this run)' : ''}`);
    try {
      const runs = await runRounds(
        ctx.rounds,
        {
          'in-process': () => measure(new InProcessTransport()),
          nats: () =>
            measure(new NatsTransport({ servers: [nats.server], namespace: `bench${process.pid}` }, silent)),
        },
        {
          onRound: (round, name, r) =>
            ctx.progress(
              `round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.publishPerSecond)} publishes/s, ${Math.round(r.requestsPerSecond)} requests/s`,
            ),
        },
      );
      const summary = Object.fromEntries(
        Object.entries(runs).map(([name, list]) => [
          name,
          {
            publishPerSecond: median(list.map((r) => r.publishPerSecond)),
            requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
          },
        ]),
      );
      const inProcess = summary['in-process']!;
      const overNats = summary.nats!;
      ctx.progress(`fleet: starting ${FLEET_NODES} sidecar processes, then ${FLEET_PUSHES} pushes`);
      const fleet = await measureFleetPush(nats.server, silent);
      const samplesMs = fleet.samples.map((s) => s.toLastAppliedMs);
      const delivered = samplesMs.filter((ms) => !Number.isNaN(ms));
      const complete = delivered.length === FLEET_PUSHES;
      const fleetMedianMs = complete ? median(delivered) : Number.NaN;
      const fleetMinMs = complete ? Math.min(...delivered) : Number.NaN;
      const fleetMaxMs = complete ? Math.max(...delivered) : Number.NaN;
      const pushCallMs = fleet.samples.map((s) => s.pushCallMs);
      const rejections = fleet.samples.flatMap((s) => s.rejections);
      const unclean = fleet.exits.filter((code) => code !== 0);
      ctx.progress(
        `fleet push → last applied (${FLEET_NODES} sidecar processes): ${samplesMs.map((ms) => ms.toFixed(1)).join(', ')} ms`,
      );
      return {
        ratios: {
          natsVsInProcessPublish: ratio(overNats.publishPerSecond, inProcess.publishPerSecond),
          natsVsInProcessRequest: ratio(overNats.requestsPerSecond, inProcess.requestsPerSecond),
        },
        results: {
          ...summary,
          fleetPushToLastApplied: {
            sidecarProcesses: FLEET_NODES,
            samplesMs,
            medianMs: fleetMedianMs,
            minMs: fleetMinMs,
            maxMs: fleetMaxMs,
            pushCallMedianMs: median(pushCallMs),
            rejections,
            sidecarExitCodes: fleet.exits,
          },
          natsServer: nats.server,
          natsServerStartedByBench: nats.started,
        },
        table: [
          ...Object.entries(summary).map(([variant, v]) => ({
            variant,
            'publish msg/s': v.publishPerSecond,
            'request/reply req/s': v.requestsPerSecond,
          })),
          {
            variant: `config push → last applied, ${FLEET_NODES} sidecar processes (ms)`,
            median: fleetMedianMs,
            min: fleetMinMs,
            max: fleetMaxMs,
          },
        ],
        notes: [
          `NATS server ${nats.server}${nats.started ? ', started by the bench (none listened on 127.0.0.1:4222)' : ''}; publishes confirmed by the server (confirmPublish default)`,
          `sizes: ${PUBLISHES} publishes in waves of ${WAVE}, ${REQUESTS} requests with ${CONCURRENCY} in flight, ≤ ${MAX_PHASE_MS} ms per phase; medians of ${ctx.rounds} rounds`,
          `fleet: pushConfig (the path of \`slipstream config push FILE\`: connect, read and validate the file, store the revision) to the last config.applied on the bus from ${FLEET_NODES} \`slipstream sidecar\` processes on that NATS; median of ${FLEET_PUSHES} pushes ${fleetMedianMs.toFixed(1)} ms, range ${fleetMinMs.toFixed(1)}–${fleetMaxMs.toFixed(1)} ms (the push call alone: median ${median(pushCallMs).toFixed(1)} ms) — target ≤ ${FLEET_TARGET_MS} ms ${fleetMedianMs <= FLEET_TARGET_MS ? 'met' : 'NOT met'}${complete ? '' : ` (${FLEET_PUSHES - delivered.length} pushes not applied by every sidecar: rejected, or not answered within ${FLEET_PUSH_TIMEOUT_MS} ms)`}`,
          ...(rejections.length === 0 ? [] : [`fleet: rejected — ${rejections.join('; ')}`]),
          `fleet: sidecars stopped with SIGTERM: ${unclean.length === 0 ? 'all exited 0' : `exit codes ${fleet.exits.join(', ')}`}`,
        ],
      };
    } finally {
      await nats.close();
    }
  },
};
