import { EventEmitter } from 'eventemitter3';
import { performance } from 'node:perf_hooks';

import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';

import { runRounds } from '../harness/compare';
import type { Suite, TableRow } from '../harness/suite';
import { median, ratio } from '../harness/summarize';
import { roundsVerdict } from '../harness/verdict';

/** Events published per round and variant. */
const EVENTS = 1_000_000;
/** Requests per round and variant, sent in waves of `CONCURRENCY`. */
const REQUESTS = 100_000;
const CONCURRENCY = 1_000;
/** A round of one variant ends early once it has run this long, ms. */
const MAX_ROUND_MS = 15_000;
/** The target for the in-process bus, events/s. */
const TARGET_EVENTS_PER_S = 1_000_000;

const silent = createLogger({ silent: true });

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

function rawEmit(): Promise<Measurement> {
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

function rawRequestReply(): Promise<Measurement> {
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

/**
 * Suite `bus`: in-process bus throughput beside raw eventemitter3 — events/s through
 * `MessageBus.publish` (with and without the JSON-serialisability check, which is off when
 * `NODE_ENV=production`) against a bare `emit`, and request/reply/s through `MessageBus.request`
 * against a hand-rolled correlation over eventemitter3. Sizes: 1 000 000 events and 100 000
 * requests (1 000 in flight) per round and variant, at most 15 s each.
 */
export const busSuite: Suite = {
  name: 'bus',
  description: `in-process bus publish and request/reply vs raw eventemitter3 (${EVENTS} events, ${REQUESTS} requests per run)`,
  async run(ctx) {
    const runs = await runRounds(ctx.rounds, variants, {
      onRound: (round, name, m) =>
        ctx.progress(
          `round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(rate(m))} ops/s (${m.operations} in ${m.durationMs.toFixed(0)} ms)`,
        ),
    });
    const names = Object.keys(variants) as Variant[];
    const rates = (name: Variant): number[] => runs[name].map(rate);
    const med = (name: Variant): number => median(rates(name));
    const baselineOf = (name: Variant): Variant =>
      name.includes('request') ? 'eventemitter3 request/reply' : 'eventemitter3 emit';
    const table: TableRow[] = names.map((name) => ({
      variant: name,
      'median ops/s': Math.round(med(name)),
      'min ops/s': Math.round(Math.min(...rates(name))),
      'max ops/s': Math.round(Math.max(...rates(name))),
      'vs eventemitter3': ratio(med(name), med(baselineOf(name))),
    }));
    const perRound = (name: Variant): number[] => rates(name).map(Math.round);
    const target = { op: '≥', value: TARGET_EVENTS_PER_S } as const;
    const eventsPerSecond = med('bus publish (check off)');
    const checkedEventsPerSecond = med('bus publish (check on)');
    return {
      ratios: {
        busVsEventEmitter3: ratio(eventsPerSecond, med('eventemitter3 emit')),
        busRequestVsEventEmitter3: ratio(med('bus request (check off)'), med('eventemitter3 request/reply')),
        checkOnVsOffPublish: ratio(checkedEventsPerSecond, eventsPerSecond),
      },
      results: {
        eventsPerSecond: Math.round(eventsPerSecond),
        requestsPerSecond: Math.round(med('bus request (check off)')),
        eventsPerSecondChecked: Math.round(checkedEventsPerSecond),
        requestsPerSecondChecked: Math.round(med('bus request (check on)')),
      },
      table,
      notes: [
        // An absolute target, with no baseline to pair with: judged on the rounds' own rates.
        roundsVerdict(
          'bus events/s (check off, the production default)',
          perRound('bus publish (check off)'),
          target,
        ),
        roundsVerdict(
          'bus events/s (check on, the development default)',
          perRound('bus publish (check on)'),
          target,
        ),
        `sizes: ${EVENTS} events and ${REQUESTS} requests (${CONCURRENCY} in flight) per run, ≤ ${MAX_ROUND_MS} ms per run; medians of ${ctx.rounds} rounds`,
      ],
    };
  },
};
