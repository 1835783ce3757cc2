/**
 * The cost of the record path over 64 series (4 clusters × 4 endpoints × 2 routes × 2
 * classes): ns per `MetricsRegistry.recordRequest` (label lookup included) and per
 * `RequestSeries.record` on a handle the caller keeps, against a loop that only reads the
 * same outcomes as baseline; per `recordRequest` when every request has the same labels
 * (one route to one endpoint, as in the bench's pipeline); and the heap before and after.
 * Run: `node --expose-gc -r tsx/cjs packages/monitor/bench/recordRequest.ts`.
 */
import { cpus } from 'node:os';
import { MetricsRegistry } from '../src/registry/MetricsRegistry';
import type { RequestOutcome } from '../src/registry/RequestOutcome';

const RECORDS = 5_000_000;
const gc = (globalThis as { gc?: () => void }).gc;

const outcomes: RequestOutcome[] = [];
for (let c = 0; c < 4; c++)
  for (let e = 0; e < 4; e++)
    for (let r = 0; r < 2; r++)
      for (let q = 0; q < 2; q++)
        outcomes.push({
          cluster: `cluster-${c}`,
          endpoint: `http://10.0.${c}.${e}:8080`,
          route: `route-${r}`,
          qosClass: q === 0 ? 'standard' : 'bulk',
          durationMs: 0.5 + ((c * 31 + e * 7 + r * 3 + q) % 97),
          status: (e + r) % 9 === 0 ? 503 : 200,
          bytesOutWire: 120,
          bytesInWire: 800,
        });

function timeLoop(fn: (o: RequestOutcome) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) fn(outcomes[i & 63]!);
  return Number(process.hrtime.bigint() - start) / RECORDS;
}

const registry = new MetricsRegistry();
let sink = 0;
const baseline = (o: RequestOutcome): void => {
  sink += o.durationMs;
};
const record = (o: RequestOutcome): void => registry.recordRequest(o);
const handleList = outcomes.map((o) => registry.series(o));
let next = 0;
const recordOnKeptHandle = (o: RequestOutcome): void => handleList[next++ & 63]!.record(o);
const oneSeriesRegistry = new MetricsRegistry();
const oneSeries = outcomes.map((o) => ({ ...outcomes[0]!, durationMs: o.durationMs, status: o.status }));
const recordOneSeries = (_o: RequestOutcome): void =>
  oneSeriesRegistry.recordRequest(oneSeries[next++ & 63]!);
timeLoop(baseline);
timeLoop(record); // warm up: lets the JIT settle
timeLoop(recordOnKeptHandle);
timeLoop(recordOneSeries);
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const baselineNs = timeLoop(baseline);
const recordNs = timeLoop(record);
const keptHandleNs = timeLoop(recordOnKeptHandle);
const oneSeriesNs = timeLoop(recordOneSeries);
gc?.();
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  JSON.stringify({
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    records: RECORDS,
    series: registry.allSeries().length,
    baselineNsPerOp: Math.round(baselineNs * 10) / 10,
    recordRequestNsPerOp: Math.round(recordNs * 10) / 10,
    seriesRecordNsPerOp: Math.round(keptHandleNs * 10) / 10,
    recordRequestOneSeriesNsPerOp: Math.round(oneSeriesNs * 10) / 10,
    heapGrowthBytes: heapAfter - heapBefore,
    gcExposed: gc !== undefined,
    metricsCollected: registry.metricsCollected,
    sink: sink > 0,
  }),
);
