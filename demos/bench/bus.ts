/**
 * `npm run bench:bus [-- --rounds N]`
 *
 * In-process bus throughput beside raw eventemitter3 in the same run: events/s through
 * `MessageBus.publish` (with and without the JSON-serialisability check) against a bare
 * `emit`, and request/reply/s through `MessageBus.request` against a hand-rolled
 * correlation over eventemitter3. Several rounds, the variants' order rotated per round;
 * medians and ratios are printed with the machine.
 */
import { EventEmitter } from 'eventemitter3';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@slipstream/contracts';
import { InProcessTransport, MessageBus } from '@slipstream/core';
import { machineInfo } from './harness/machine';
import { markdownTable } from './harness/report';
import { median, ratio } from './harness/summarize';

/** Events published per round and variant. */
const EVENTS = 1_000_000;
/** Requests per round and variant, sent in waves of `CONCURRENCY`. */
const REQUESTS = 100_000;
const CONCURRENCY = 1_000;
/** A round of one variant ends early once it has run this long, ms. */
const MAX_ROUND_MS = 15_000;
/** Targets the issue sets for the in-process bus. */
const TARGET_EVENTS_PER_S = 1_000_000;

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

/** What one variant measured in one round. */
interface Measurement {
  operations: number;
  durationMs: number;
}

const payload = { n: 1, route: 'bench', tags: ['a', 'b'] };

function rate(m: Measurement): number {
  return m.durationMs === 0 ? 0 : (m.operations / m.durationMs) * 1000;
}

/** Runs `emitOne` up to EVENTS times (checking the time every 65 536) and counts deliveries. */
function timeEvents(emitOne: () => void, delivered: () => number): Measurement {
  const started = performance.now();
  const deadline = started + MAX_ROUND_MS;
  for (let i = 0; i < EVENTS; i++) {
    emitOne();
    if ((i & 0xffff) === 0xffff && performance.now() > deadline) break;
  }
  return { operations: delivered(), durationMs: performance.now() - started };
}

async function rawEmit(): Promise<Measurement> {
  const ee = new EventEmitter();
  let received = 0;
  ee.on('bench.event', () => void received++);
  return Promise.resolve(
    timeEvents(
      () => ee.emit('bench.event', payload),
      () => received,
    ),
  );
}

async function busPublish(checkSerializable: boolean): Promise<Measurement> {
  const bus = new MessageBus(new InProcessTransport(), silent, { source: 'bench', checkSerializable });
  let received = 0;
  bus.subscribe('bench.event', () => void received++);
  const m = timeEvents(
    () => void bus.publish('bench.event' as never, payload as never),
    () => received,
  );
  await bus.flush();
  await bus.close();
  return m;
}

/** Sends REQUESTS requests in waves of CONCURRENCY; counts the replies. */
async function timeRequests(requestOne: (i: number) => Promise<unknown>): Promise<Measurement> {
  const started = performance.now();
  const deadline = started + MAX_ROUND_MS;
  let replies = 0;
  for (let sent = 0; sent < REQUESTS && performance.now() < deadline; sent += CONCURRENCY) {
    const wave = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => requestOne(sent + i)));
    replies += wave.length;
  }
  return { operations: replies, durationMs: performance.now() - started };
}

async function rawRequestReply(): Promise<Measurement> {
  const ee = new EventEmitter();
  const pending = new Map<number, (value: unknown) => void>();
  ee.on('bench.request', (id: number, value: unknown) => ee.emit('bench.reply', id, value));
  ee.on('bench.reply', (id: number, value: unknown) => {
    pending.get(id)?.(value);
    pending.delete(id);
  });
  return timeRequests(
    (i) =>
      new Promise((resolve) => {
        pending.set(i, resolve);
        ee.emit('bench.request', i, payload);
      }),
  );
}

async function busRequestReply(checkSerializable: boolean): Promise<Measurement> {
  const bus = new MessageBus(new InProcessTransport(), silent, { source: 'bench', checkSerializable });
  bus.respond('bench.request' as never, (p) => p);
  const m = await timeRequests(() => bus.request('bench.request' as never, payload as never));
  await bus.close();
  return m;
}

const variants = {
  'eventemitter3 emit': rawEmit,
  'bus publish (check off)': () => busPublish(false),
  'bus publish (check on)': () => busPublish(true),
  'eventemitter3 request/reply': rawRequestReply,
  'bus request (check off)': () => busRequestReply(false),
  'bus request (check on)': () => busRequestReply(true),
} satisfies Record<string, () => Promise<Measurement>>;
type Variant = keyof typeof variants;

function parseRounds(argv: readonly string[]): number {
  const at = argv.indexOf('--rounds');
  const rounds = at === -1 ? 5 : Number(argv[at + 1]);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  return rounds;
}

async function main(): Promise<void> {
  const rounds = parseRounds(process.argv.slice(2));
  const machine = machineInfo();
  process.stderr.write(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`);
  const names = Object.keys(variants) as Variant[];
  // One warm-up pass so the first measured round does not pay for JIT compilation.
  for (const name of names) await variants[name]();
  const rates = new Map<Variant, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const m = await variants[name]();
      rates.get(name)!.push(rate(m));
      process.stderr.write(
        `round ${round + 1}/${rounds} ${name}: ${Math.round(rate(m))} ops/s (${m.operations} in ${m.durationMs.toFixed(0)} ms)\n`,
      );
    }
  }
  const med = (name: Variant): number => median(rates.get(name)!);
  const baselineOf = (name: Variant): Variant =>
    name.includes('request') ? 'eventemitter3 request/reply' : 'eventemitter3 emit';
  const table = names.map((name) => ({
    variant: name,
    'median ops/s': med(name),
    'min ops/s': Math.min(...rates.get(name)!),
    'max ops/s': Math.max(...rates.get(name)!),
    'vs eventemitter3': ratio(med(name), med(baselineOf(name))),
  }));
  const checkedEvents = med('bus publish (check on)');
  const uncheckedEvents = med('bus publish (check off)');
  const lines = [
    `## In-process bus vs eventemitter3`,
    ``,
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${rounds} rounds (medians), ${EVENTS} events and ${REQUESTS} requests (${CONCURRENCY} in flight) per round`,
    ``,
    markdownTable(table),
    ``,
    `- target ≥ ${TARGET_EVENTS_PER_S} events/s: check off ${uncheckedEvents >= TARGET_EVENTS_PER_S ? 'met' : 'not met'} (${Math.round(uncheckedEvents)}), check on ${checkedEvents >= TARGET_EVENTS_PER_S ? 'met' : 'not met'} (${Math.round(checkedEvents)})`,
    `- cost of the serialisability check on publish: ${ratio(checkedEvents, uncheckedEvents)}× the unchecked rate`,
    `- command: npm run bench:bus -- --rounds ${rounds}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
