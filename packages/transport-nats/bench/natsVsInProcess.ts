/**
 * Bus throughput over NATS vs in-process, both under core's MessageBus, measured in one run:
 * publish (until the subscriber got every message) and request/reply (bounded concurrency).
 * `npx tsx packages/transport-nats/bench/natsVsInProcess.ts` (needs nats-server on NATS_URL or 127.0.0.1:4222).
 */
import { cpus } from 'node:os';

import type { Logger, Transport } from '@slipstream/contracts';
import { InProcessTransport, MessageBus } from '@slipstream/core';

import { NatsTransport } from '../src/NatsTransport';

const PUBLISHES = 20_000;
const REQUESTS = 5_000;
const CONCURRENCY = 64;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function measure(
  label: string,
  make: () => Transport,
): Promise<{ label: string; pubPerSec: number; reqPerSec: number }> {
  const transport = make();
  await transport.connect();
  const bus = new MessageBus(transport, silent, { source: label });
  let got = 0;
  bus.subscribe('bench.pub' as never, () => void got++);
  bus.respond('bench.echo' as never, (p: unknown) => p as never);
  await bus.flush();

  let start = performance.now();
  for (let sent = 0; sent < PUBLISHES; sent += 1_000) {
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => bus.publish('bench.pub' as never, (sent + i) as never)),
    );
  }
  const deadline = Date.now() + 60_000;
  while (got < PUBLISHES && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  const pubPerSec = (got / (performance.now() - start)) * 1_000;

  start = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        await bus.request('bench.echo' as never, next as never, { timeoutMs: 10_000 });
        done++;
      }
    }),
  );
  const reqPerSec = (done / (performance.now() - start)) * 1_000;
  await bus.close();
  return { label, pubPerSec, reqPerSec };
}

async function main(): Promise<void> {
  const base = await measure('in-process', () => new InProcessTransport());
  const nats = await measure(
    'nats',
    () =>
      new NatsTransport(
        { servers: [process.env.NATS_URL ?? '127.0.0.1:4222'], namespace: `bench${process.pid}` },
        silent,
      ),
  );
  const row = (r: typeof base): string =>
    `| ${r.label} | ${Math.round(r.pubPerSec)} | ${Math.round(r.reqPerSec)} |`;
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}`);
  console.log(
    `publish: ${PUBLISHES} messages; request/reply: ${REQUESTS} requests at concurrency ${CONCURRENCY}`,
  );
  console.log('| transport | publish msg/s | request/reply req/s |\n|---|---|---|');
  console.log(row(base));
  console.log(row(nats));
  console.log(
    `ratio nats ÷ in-process: publish ${(nats.pubPerSec / base.pubPerSec).toFixed(3)}, request/reply ${(nats.reqPerSec / base.reqPerSec).toFixed(3)}`,
  );
}

void main();
