// Micro-benchmark of the routing hot path: `Router.resolve` and `QosScheduler.acquire` +
// `release`, in ns per operation. Bounded in count and time. Run:
//   npx tsx packages/routing/bench/hotPath.bench.ts [--ops 500000] [--max-ms 5000]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { QosScheduler, Router } from '../src';

const { values } = parseArgs({
  options: { ops: { type: 'string', default: '500000' }, 'max-ms': { type: 'string', default: '5000' } },
});
const OPS = Number(values.ops);
const MAX_MS = Number(values['max-ms']);
const ROUNDS = 5;

/** Runs `op` up to `ops` times (fewer if `MAX_MS` passes) per round; prints the median round's ns/op. */
async function measure(name: string, op: () => void | Promise<void>): Promise<void> {
  for (let i = 0; i < Math.min(OPS, 20_000); i++) await op(); // warm-up
  const perRound: number[] = [];
  const deadline = performance.now() + MAX_MS;
  for (let r = 0; r < ROUNDS && performance.now() < deadline; r++) {
    const start = process.hrtime.bigint();
    let i = 0;
    // The deadline is checked every 4 096 ops so the check costs nothing measurable.
    for (; i < OPS && ((i & 4095) !== 0 || performance.now() < deadline); i++) {
      // Synchronous ops are not awaited: an await would cost more than they do.
      const pending = op();
      if (pending) await pending;
    }
    perRound.push(Number(process.hrtime.bigint() - start) / i);
  }
  perRound.sort((a, b) => a - b);
  const median = perRound[Math.floor(perRound.length / 2)]!;
  console.log(`${name.padEnd(44)} ${median.toFixed(1).padStart(8)} ns/op  (${perRound.length} rounds)`);
}

const routes = [
  { id: 'health', match: { path: '/health' }, cluster: 'api' },
  { id: 'orders', match: { path: '/orders/' }, cluster: 'api', policy: { qosClass: 'critical' } },
  { id: 'user', match: { method: 'GET', path: '/users/:id' }, cluster: 'api' },
  { id: 'multi', match: { path: '/multi/' }, cluster: ['eu', 'us'] },
];
const router = new Router({ routes });
const scheduler = new QosScheduler({ concurrency: { enabled: false, initialLimit: 1_000 } });
const outcome = { rttMs: 1 };
let sink: unknown;

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}`);
  await measure('Router.resolve (prefix, no params)', () => {
    sink = router.resolve({ method: 'GET', path: '/orders/42' });
  });
  await measure('Router.resolve (pattern /users/:id)', () => {
    sink = router.resolve({ method: 'GET', path: '/users/42' });
  });
  await measure('Router.resolve (multi-cluster route)', () => {
    sink = router.resolve({ method: 'GET', path: '/multi/x' });
  });
  // Every op awaits its permit (one microtask) and releases it at once: the limit is never reached.
  await measure('QosScheduler.acquire + release (admitted)', async () => {
    (await scheduler.acquire('api', 'standard')).release(outcome);
  });
  if (sink === undefined) throw new Error('no route matched');
}

void main();
