/**
 * Batched vs individual: 10 000 small JSON-RPC `echo` calls to a testkit upstream, 64 in
 * flight, sent one per request (baseline) and through a RequestBatcher (candidate).
 * Run: `npx tsx packages/batching/bench/batchedVsIndividual.ts`. The upstream runs in this
 * process; the figures are calls per second measured in this run.
 */
import { startUpstream } from '@slipstream/testkit';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { RequestBatcher } from '../src';

const CALLS = 10_000;
const CONCURRENCY = 64;

async function run(label: string, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) await call(next++);
    }),
  );
  const perSecond = (CALLS * 1_000) / (performance.now() - started);
  console.log(`${label}: ${perSecond.toFixed(0)} calls/s`);
  return perSecond;
}

async function main(): Promise<void> {
  const upstream = await startUpstream({ requestLogSize: 0 });
  const agent = new Agent({ connections: 16 });
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await request(`${upstream.url}/rpc`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };
  const batcher = new RequestBatcher((batch) => post(batch.body as string, { ...batch.headers }), {
    maxBatchSize: 10,
  });
  try {
    const baseline = await run('individual', (i) =>
      post(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'echo', params: [i] })),
    );
    const candidate = await run('batched (size 10)', (i) => batcher.call('echo', [i]));
    const stats = batcher.stats();
    console.log(
      `ratio: ${(candidate / baseline).toFixed(2)}x; mean batch size ${stats.meanBatchSize.toFixed(2)}`,
    );
    console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, node ${process.version}`);
  } finally {
    await batcher.close();
    await agent.close();
    await upstream.close();
  }
}

void main();
