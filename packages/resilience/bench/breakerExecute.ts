/**
 * The cost of one call through a closed breaker: CPU ns per `CircuitBreakerRegistry.execute`
 * (with a reused signal, as the pipeline calls it) and per bare opossum `fire` with the
 * registry's options, against awaiting the same already-settled function with no breaker;
 * and the heap before and after. Calls run in waves of `IN_FLIGHT`, like a pool's requests.
 * Run: `node --expose-gc -r tsx/cjs packages/resilience/bench/breakerExecute.ts`.
 */
import { cpus } from 'node:os';
import CircuitBreaker from 'opossum';
import { BREAKER_DEFAULTS, CircuitBreakerRegistry } from '../src/CircuitBreakerRegistry';

const CALLS = 1_000_000;
const IN_FLIGHT = 32;
const ROUNDS = 5;
const gc = (globalThis as { gc?: () => void }).gc;

const settled = Promise.resolve(1);
const fn = (_signal?: AbortSignal): Promise<number> => settled;
const controller = new AbortController();

/** CPU ns per call of `call`, `CALLS` calls in waves of `IN_FLIGHT`. */
async function time(call: () => Promise<unknown>): Promise<number> {
  const wave: Promise<unknown>[] = new Array<Promise<unknown>>(IN_FLIGHT);
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i += IN_FLIGHT) {
    for (let j = 0; j < IN_FLIGHT; j++) wave[j] = call();
    await Promise.all(wave);
  }
  const cpu = process.cpuUsage(before);
  return ((cpu.user + cpu.system) * 1_000) / CALLS;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const registry = new CircuitBreakerRegistry();
  const options = { cluster: 'bench', releasesSignal: true };
  const opossum = new CircuitBreaker((c: AbortController) => fn(c.signal), {
    timeout: BREAKER_DEFAULTS.timeoutMs,
    errorThresholdPercentage: BREAKER_DEFAULTS.errorThresholdPercentage,
    volumeThreshold: BREAKER_DEFAULTS.volumeThreshold,
    resetTimeout: BREAKER_DEFAULTS.resetTimeoutMs,
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });
  const variants: Record<string, () => Promise<unknown>> = {
    'no breaker': () => fn(controller.signal),
    'opossum fire': () => opossum.fire(controller),
    'registry execute': () => registry.execute('http://127.0.0.1:1', fn, options),
  };
  const ns: Record<string, number[]> = {};
  for (const [name, call] of Object.entries(variants)) {
    ns[name] = [];
    await time(call); // warm up: lets the JIT settle
  }
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, call] of Object.entries(variants)) ns[name]!.push(await time(call));
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  registry.shutdown();
  opossum.shutdown();
  const cpuNsPerCall = Object.fromEntries(
    Object.entries(ns).map(([name, list]) => [name, Math.round(median(list))]),
  );
  console.log(
    JSON.stringify({
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
      calls: CALLS,
      inFlight: IN_FLIGHT,
      rounds: ROUNDS,
      cpuNsPerCall,
      heapGrowthBytes: heapAfter - heapBefore,
      gcExposed: gc !== undefined,
    }),
  );
}

void main();
