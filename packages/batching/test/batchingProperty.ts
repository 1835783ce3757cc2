import {
  MalformedResponseError,
  RequestAbortedError,
  RpcError,
  SlipstreamError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import { createPrng, type RpcBehaviour } from '@slipstream/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  DuplicateRpcResponseError,
  MissingRpcResponseError,
  RequestBatcher,
  type BatchResponse,
  type EncodedBatch,
  type RequestBatcherOptions,
} from '../src';
import { track, type SettleRecord } from './settleCounter';

/** Sends one batch with the faults the property run chose for it. */
export type FaultyTransport = (
  batch: EncodedBatch,
  signal: AbortSignal,
  faults: RpcBehaviour,
) => Promise<BatchResponse>;

/** Settings of one property run. */
export interface PropertyRunOptions {
  calls: number;
  seed: number;
  transport: FaultyTransport;
  batcher?: RequestBatcherOptions;
  /** Probability that a batch is answered 500 / with a malformed body. */
  failBatchRate?: number;
  malformedRate?: number;
  /** Probability, per call on the wire, of an item error / omitted id / duplicate id. */
  itemErrorRate?: number;
  omitRate?: number;
  duplicateRate?: number;
  /** Probability that a call is aborted, at once or a few ms later. */
  abortRate?: number;
}

/** What a property run observed. */
export interface PropertyReport {
  records: SettleRecord[];
  /** Calls whose outcome differs from the fault planned for them. */
  mismatches: string[];
  /** Outcomes by kind. */
  kinds: Record<string, number>;
  batches: number;
}

type Expected = 'ok' | 'rpc' | 'missing' | 'duplicate' | 'status' | 'malformed';

const KIND_OF: [Expected | 'aborted', (e: unknown) => boolean][] = [
  ['aborted', (e) => RequestAbortedError.is(e)],
  ['rpc', (e) => RpcError.is(e)],
  ['missing', (e) => MissingRpcResponseError.is(e)],
  ['duplicate', (e) => DuplicateRpcResponseError.is(e)],
  ['status', (e) => UpstreamStatusError.is(e)],
  ['malformed', (e) => MalformedResponseError.is(e)],
];

function kindOf(record: SettleRecord): string {
  if (record.resolved > 0) return 'ok';
  return (
    KIND_OF.find(([, is]) => is(record.error))?.[0] ??
    `other:${SlipstreamError.is(record.error) ? record.error.code : String(record.error)}`
  );
}

function plainBody(batch: EncodedBatch): string {
  if (typeof batch.body === 'string') return batch.body;
  const raw = Buffer.from(batch.body);
  const encoding = batch.headers['content-encoding'];
  return (
    encoding === 'gzip' ? gunzipSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : raw
  ).toString();
}

/**
 * Makes `calls` echo calls through a batcher whose batches meet seeded random faults
 * (item errors, missing and duplicate ids, whole-batch 500s, malformed bodies) and random
 * aborts, then checks that every call settled exactly once with the outcome planned for it.
 */
export async function runBatchingProperty(options: PropertyRunOptions): Promise<PropertyReport> {
  const random = createPrng(options.seed);
  const planned = new Map<number, Expected>();
  const aborted = new Set<number>();
  let batches = 0;
  const batcher = new RequestBatcher((batch, signal) => {
    batches += 1;
    const calls = JSON.parse(plainBody(batch)) as { id: number; params: [number] }[];
    const faults: Required<RpcBehaviour> = {
      errorIds: [],
      omitIds: [],
      duplicateIds: [],
      failBatch: random() < (options.failBatchRate ?? 0.03),
      malformed: random() < (options.malformedRate ?? 0.02),
    };
    for (const call of calls) {
      const draw = random();
      let expected: Expected = faults.failBatch ? 'status' : faults.malformed ? 'malformed' : 'ok';
      if (draw < (options.itemErrorRate ?? 0.05)) {
        faults.errorIds.push(call.id);
        expected = expected === 'ok' ? 'rpc' : expected;
      } else if (draw < (options.itemErrorRate ?? 0.05) + (options.omitRate ?? 0.03)) {
        faults.omitIds.push(call.id);
        expected = expected === 'ok' ? 'missing' : expected;
      } else if (
        draw <
        (options.itemErrorRate ?? 0.05) + (options.omitRate ?? 0.03) + (options.duplicateRate ?? 0.02)
      ) {
        faults.duplicateIds.push(call.id);
        expected = expected === 'ok' ? 'duplicate' : expected;
      }
      planned.set(call.params[0], expected);
    }
    return options.transport(batch, signal, faults);
  }, options.batcher);

  const records: SettleRecord[] = [];
  const pendingAborts: Promise<void>[] = [];
  for (let i = 0; i < options.calls; i += 1) {
    const controller = random() < (options.abortRate ?? 0.05) ? new AbortController() : undefined;
    records.push(track(batcher.call('echo', [i], controller ? { signal: controller.signal } : {})));
    if (controller) {
      aborted.add(i);
      const delayMs = Math.floor(random() * 4);
      if (delayMs === 0) controller.abort();
      else pendingAborts.push(sleep(delayMs).then(() => controller.abort()));
    }
    // Yield now and then so that batches flow while calls keep arriving.
    if (i % 25 === 24) await sleep(0);
  }
  await Promise.all(pendingAborts);
  await batcher.close();
  await sleep(0);

  const mismatches: string[] = [];
  const kinds: Record<string, number> = {};
  records.forEach((record, i) => {
    const kind = kindOf(record);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    if (record.resolved + record.rejected !== 1) {
      mismatches.push(`call ${i} settled ${record.resolved + record.rejected} times`);
    } else if (kind === 'aborted') {
      if (!aborted.has(i)) mismatches.push(`call ${i} was never aborted but rejected as aborted`);
    } else if (kind !== planned.get(i)) {
      mismatches.push(`call ${i}: expected ${planned.get(i) ?? 'nothing (never sent)'}, got ${kind}`);
    } else if (kind === 'ok' && JSON.stringify(record.value) !== JSON.stringify([i])) {
      mismatches.push(`call ${i}: wrong result ${JSON.stringify(record.value)}`);
    }
  });
  return { records, mismatches, kinds, batches };
}
