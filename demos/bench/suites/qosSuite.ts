import { createNetworkClient, type NetworkClient } from '@slipstream/client';

import { assertOk } from '../clients/assertOk';
import { runClosedLoop, type ClosedLoopResult } from '../harness/closedLoop';
import { runRounds, summarizeRuns } from '../harness/compare';
import { pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { median, ratio } from '../harness/summarize';
import { ratioVerdict } from '../harness/verdict';

/** Concurrency slots of the admission step (fixed limit). */
const SLOTS = 8;
/** Callers of each class; together twice the slots (2× overload). */
const CRITICAL_CALLERS = 4;
const BULK_CALLERS = 12;
/** Upstream latency, ms: with 8 slots the cluster serves at most 8 / 20 ms = 400 requests/s. */
const LATENCY_MS = 20;
/** Length of each run, ms (both classes run the whole time; the counts only bound them). */
const RUN_MS = 4_000;
const MAX_OPERATIONS = 100_000;
const CLUSTER = 'bench';

/** One run: the critical and the bulk callers' closed loops, side by side. */
interface QosRun {
  critical: ClosedLoopResult;
  bulk: ClosedLoopResult | undefined;
}

function newClient(origin: string): NetworkClient {
  return createNetworkClient({
    clusters: [{ cluster: CLUSTER, endpoints: [{ origin }] }],
    adaptiveConcurrency: { enabled: false, initialLimit: SLOTS },
    pool: { connections: SLOTS * 2 },
  });
}

/**
 * Suite `qos`: one upstream process (20 ms per request) behind a fixed limit of 8 slots;
 * 4 critical and 12 bulk callers (2× overload). QoS on: the callers use the classes
 * `critical` and `bulk`; QoS off: every caller is `standard` (one FIFO). Baseline for the
 * overload: the 4 critical callers alone. Reports critical p99 and bulk goodput.
 * Sizes: 4 s per run.
 */
export const qosSuite: Suite = {
  name: 'qos',
  description: `critical p99 and bulk goodput, QoS on vs off, ${CRITICAL_CALLERS + BULK_CALLERS} callers on ${SLOTS} slots (${RUN_MS} ms per run)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      await upstream!.setBehaviour({ latencyMs: LATENCY_MS });
      const client = newClient(upstream!.origin);
      const callers = (count: number, priority: string): Promise<ClosedLoopResult> =>
        runClosedLoop({
          operations: MAX_OPERATIONS,
          concurrency: count,
          maxDurationMs: RUN_MS,
          operation: async () => {
            const res = await client.request({ path: '/bench', cluster: CLUSTER }, { priority });
            assertOk(res.statusCode);
          },
        });
      const overloaded = (qos: boolean) => async (): Promise<QosRun> => {
        const [critical, bulk] = await Promise.all([
          callers(CRITICAL_CALLERS, qos ? 'critical' : 'standard'),
          callers(BULK_CALLERS, qos ? 'bulk' : 'standard'),
        ]);
        return { critical, bulk };
      };
      try {
        const runs = await runRounds(
          ctx.rounds,
          {
            'critical alone (unloaded)': async (): Promise<QosRun> => ({
              critical: await callers(CRITICAL_CALLERS, 'critical'),
              bulk: undefined,
            }),
            'QoS off (2× overload)': overloaded(false),
            'QoS on (2× overload)': overloaded(true),
          },
          {
            onRound: (round, name, r) =>
              ctx.progress(
                `round ${round + 1}/${ctx.rounds} ${name}: critical p99 ${r.critical.latency.p99.toFixed(1)} ms`,
              ),
          },
        );
        const summary = Object.fromEntries(
          Object.entries(runs).map(([name, list]) => {
            const bulk = list.flatMap((r) => (r.bulk ? [r.bulk] : []));
            return [
              name,
              {
                critical: summarizeRuns(list.map((r) => r.critical)),
                bulk: bulk.length === 0 ? undefined : summarizeRuns(bulk),
                bulkGoodput: median(bulk.map((r) => ((r.operations - r.errors) / r.durationMs) * 1000)),
              },
            ];
          }),
        );
        const at = (name: keyof typeof runs) => summary[name]!;
        // One pair per round: the two overloaded runs of that round.
        const criticalP99QosOnVsOff = pairedRatio(
          runs['QoS on (2× overload)'],
          runs['QoS off (2× overload)'],
          (r) => r.critical.latency.p99,
        );
        const ratios = {
          criticalP99QosOnVsOff: ratio(
            at('QoS on (2× overload)').critical.p99,
            at('QoS off (2× overload)').critical.p99,
          ),
          criticalP99OverloadedVsUnloaded: ratio(
            at('QoS on (2× overload)').critical.p99,
            at('critical alone (unloaded)').critical.p99,
          ),
          bulkGoodputQosOnVsOff: ratio(
            at('QoS on (2× overload)').bulkGoodput,
            at('QoS off (2× overload)').bulkGoodput,
          ),
        };
        return {
          ratios,
          results: { ...summary, pairedRatios: { criticalP99QosOnVsOff } },
          table: Object.entries(summary).map(([variant, v]) => ({
            variant,
            'critical req/s': v.critical.throughput,
            'critical p50 ms': v.critical.p50,
            'critical p99 ms': v.critical.p99,
            'bulk goodput req/s': v.bulk ? v.bulkGoodput : '—',
            'bulk p99 ms': v.bulk ? v.bulk.p99 : '—',
            'critical errors': v.critical.errors,
            'bulk errors (shed)': v.bulk ? v.bulk.errors : '—',
          })),
          notes: [
            ratioVerdict('critical p99 under overload, QoS on ÷ off', criticalP99QosOnVsOff, {
              op: '<',
              value: 1,
            }),
            'errors are summed over rounds; a shed request (OverloadedError, QueueTimeoutError) counts as one, and its caller sends the next at once',
            `overload: ${CRITICAL_CALLERS} critical + ${BULK_CALLERS} bulk closed-loop callers on a fixed limit of ${SLOTS} slots (2×); upstream ${LATENCY_MS} ms per request`,
            `sizes: ${RUN_MS} ms per run; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await client.close();
      }
    }),
};
