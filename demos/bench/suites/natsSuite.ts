import { performance } from 'node:perf_hooks';

import type { Transport } from '@slipstream/contracts';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';

import { runRounds } from '../harness/compare';
import { useNatsServer } from '../harness/natsServer';
import type { Suite } from '../harness/suite';
import { median, ratio } from '../harness/summarize';

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

/**
 * Suite `nats`: `MessageBus` publish (until the subscriber got every message) and request/reply
 * over `@slipstream/transport-nats` vs the in-process transport. Uses the NATS server on
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
      return {
        ratios: {
          natsVsInProcessPublish: ratio(overNats.publishPerSecond, inProcess.publishPerSecond),
          natsVsInProcessRequest: ratio(overNats.requestsPerSecond, inProcess.requestsPerSecond),
        },
        results: { ...summary, natsServer: nats.server, natsServerStartedByBench: nats.started },
        table: Object.entries(summary).map(([variant, v]) => ({
          variant,
          'publish msg/s': v.publishPerSecond,
          'request/reply req/s': v.requestsPerSecond,
        })),
        notes: [
          `NATS server ${nats.server}${nats.started ? ', started by the bench (none listened on 127.0.0.1:4222)' : ''}; publishes confirmed by the server (confirmPublish default)`,
          `sizes: ${PUBLISHES} publishes in waves of ${WAVE}, ${REQUESTS} requests with ${CONCURRENCY} in flight, ≤ ${MAX_PHASE_MS} ms per phase; medians of ${ctx.rounds} rounds`,
        ],
      };
    } finally {
      await nats.close();
    }
  },
};
