import { fetchClient } from '../clients/fetchClient';
import type { LoadClient } from '../clients/LoadClient';
import { newConnectionClient } from '../clients/newConnectionClient';
import { pipelineClient } from '../clients/pipelineClient';
import { runClosedLoop } from '../harness/closedLoop';
import { compareRounds, type VariantSummary } from '../harness/compare';
import { machineInfo, type BenchMachine } from '../harness/machine';
import { ratio } from '../harness/summarize';
import type { CliOptions } from './CliOptions';

/** Rounds of the comparison (plus one unrecorded warm-up run per variant). */
const ROUNDS = 3;
/** Each run also stops after this many requests. */
const MAX_OPERATIONS_PER_RUN = 1_000_000;

/** What `slipstream bench` measured against one target. */
export interface TargetBenchResult {
  target: string;
  machine: BenchMachine;
  durationS: number;
  connections: number;
  rounds: number;
  ratios: { pipelineVsNewConnection: number; pipelineVsFetch: number; pipelineVsFetchCpuPerRequest: number };
  results: Record<string, VariantSummary>;
}

/**
 * GETs `options.target` in a closed loop three ways — a new connection per request, global
 * `fetch`, Slipstream's pipeline — alternating over rounds, with the whole measurement bounded
 * by `options.durationS`, and returns the medians and ratios.
 */
export async function benchTarget(
  options: CliOptions,
  progress: (message: string) => void = () => undefined,
): Promise<TargetBenchResult> {
  const { target, connections } = options;
  const clients = {
    'new connection': newConnectionClient(target),
    fetch: fetchClient(target),
    'slipstream pipeline': pipelineClient(target, {
      connections,
      // The user's service may have no /health; check the target itself.
      healthPath: target.pathname,
    }),
  } satisfies Record<string, LoadClient>;
  type Name = keyof typeof clients;
  const names = Object.keys(clients) as Name[];
  const runMs = (options.durationS * 1000) / (names.length * (ROUNDS + 1));
  try {
    const variants = {} as Record<Name, () => ReturnType<typeof runClosedLoop>>;
    for (const name of names) {
      variants[name] = () =>
        runClosedLoop({
          operations: MAX_OPERATIONS_PER_RUN,
          concurrency: connections,
          maxDurationMs: runMs,
          operation: () => clients[name].get(),
        });
    }
    const results = await compareRounds(ROUNDS, variants, {
      onRound: (round, name, r) =>
        progress(
          `round ${round + 1}/${ROUNDS} ${name}: ${Math.round(r.throughput)} req/s, ${r.errors} errors`,
        ),
    });
    const pipeline = results['slipstream pipeline'];
    return {
      target: target.href,
      machine: machineInfo(),
      durationS: options.durationS,
      connections,
      rounds: ROUNDS,
      ratios: {
        pipelineVsNewConnection: ratio(pipeline.throughput, results['new connection'].throughput),
        pipelineVsFetch: ratio(pipeline.throughput, results.fetch.throughput),
        pipelineVsFetchCpuPerRequest: ratio(pipeline.cpuPerOpUs, results.fetch.cpuPerOpUs),
      },
      results,
    };
  } finally {
    await Promise.all(Object.values(clients).map((c: LoadClient) => c.close()));
  }
}
