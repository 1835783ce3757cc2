import { setTimeout as sleep } from 'node:timers/promises';
import { OverloadedError } from '@slipstream/contracts';
import type { NetworkClient } from '@slipstream/client';
import type { SpawnedUpstream } from '@slipstream/testkit';

import { assertOk } from '../clients/assertOk';
import { runClosedLoop } from '../harness/closedLoop';
import { runRounds } from '../harness/compare';
import { describePairedRatio, pairedRatio, type PairedRatio } from '../harness/pairedRatio';
import type { SuiteContext } from '../harness/suite';
import { median, summarize } from '../harness/summarize';
import { ratioVerdict } from '../harness/verdict';

/** Requests the congested upstream serves at once; the rest queue there. */
export const UPSTREAM_WORKERS = 16;
/** How long each congested run is measured, ms, after `WARM_UP_MS` from a cold client. */
const RUN_MS = 4_000;
/** The first part of each run, not in its steady-state p99 (the limit finds the upstream's capacity), ms. */
const WARM_UP_MS = 2_000;
/** A caller whose request was shed waits this long before its next one (as a 503 with Retry-After asks), ms. */
const SHED_BACKOFF_MS = 50;

/** One congested run of one variant. */
export interface CongestedRun {
  /** p99 of the requests sent after the warm-up and answered, ms (shed ones are not answers). */
  p99: number;
  /** p99 of every answered request from the cold start, warm-up included, ms. */
  coldP99: number;
  /** Answered requests per second. */
  goodput: number;
  /** Requests the client shed with `OverloadedError`. */
  shed: number;
}

/** What case (b) measured: each variant's runs and the paired p99 ratio adaptive ÷ fixed 1000. */
export interface CongestedCase {
  runs: Record<string, CongestedRun[]>;
  p99: PairedRatio;
  notes: string[];
}

/**
 * Case (b) of the limiter suite: `upstream` serves at most `UPSTREAM_WORKERS` requests at once and
 * queues the rest (its latency rises with load); `callers` closed-loop callers per run through a
 * fresh client of each variant (`clientFor`, requests to `cluster`), rounds rotating the order. Reports the p99 of the
 * answered requests, the goodput and the shed count per variant, and the p99 of adaptive ÷ fixed
 * 1000 paired by round (target ≤ 0.5: the limit keeps the queue out of the upstream).
 */
export async function runCongestedCase<V extends string>(
  ctx: SuiteContext,
  upstream: SpawnedUpstream,
  callers: number,
  variants: readonly V[],
  clientFor: (variant: V) => NetworkClient,
  cluster: string,
  latencyMs: number,
): Promise<CongestedCase> {
  await upstream.setBehaviour({ latencyMs, maxConcurrent: UPSTREAM_WORKERS });
  const loop = (variant: V) => async (): Promise<CongestedRun> => {
    const client = clientFor(variant);
    const answered: number[] = [];
    const warmUp: number[] = [];
    let shed = 0;
    try {
      const started = performance.now();
      const measuredFrom = started + WARM_UP_MS;
      await runClosedLoop({
        operations: Math.ceil((callers * (WARM_UP_MS + RUN_MS)) / SHED_BACKOFF_MS),
        concurrency: callers,
        maxDurationMs: WARM_UP_MS + RUN_MS,
        operation: async () => {
          const t0 = performance.now();
          try {
            assertOk((await client.request({ path: '/congested', cluster })).statusCode);
            (t0 >= measuredFrom ? answered : warmUp).push(performance.now() - t0);
          } catch (err) {
            if (!OverloadedError.is(err)) throw err;
            if (t0 >= measuredFrom) shed += 1;
            await sleep(SHED_BACKOFF_MS);
          }
        },
      });
      const seconds = (performance.now() - measuredFrom) / 1_000;
      return {
        p99: summarize(answered).p99,
        coldP99: summarize([...warmUp, ...answered]).p99,
        goodput: answered.length / seconds,
        shed,
      };
    } finally {
      await client.close();
    }
  };
  const runs = await runRounds(
    ctx.rounds,
    Object.fromEntries(variants.map((v) => [v, loop(v)])) as Record<V, () => Promise<CongestedRun>>,
    {
      warmUp: false,
      onRound: (round, name, r) =>
        ctx.progress(
          `congested round ${round + 1}/${ctx.rounds} ${name}: p99 ${r.p99.toFixed(0)} ms (from cold ${r.coldP99.toFixed(0)} ms), ${r.goodput.toFixed(0)} answered/s, ${r.shed} shed`,
        ),
    },
  );
  const [adaptive, fixed] = [runs[variants[0]!], runs[variants[1]!]];
  const p99 = pairedRatio(adaptive, fixed, (r) => r.p99);
  const coldP99 = pairedRatio(adaptive, fixed, (r) => r.coldP99);
  const notes = [
    describePairedRatio(`(b) steady-state p99 of answered requests, ${variants[0]} ÷ ${variants[1]}`, p99),
    ratioVerdict(`(b) steady-state p99 ${variants[0]} ÷ ${variants[1]}`, p99, { op: '≤', value: 0.5 }),
    describePairedRatio(
      `(b) p99 from a cold client (warm-up included), ${variants[0]} ÷ ${variants[1]}`,
      coldP99,
    ),
    ...variants.map(
      (v) =>
        `(b) ${v}: median p99 ${median(runs[v].map((r) => r.p99)).toFixed(0)} ms (from cold ${median(runs[v].map((r) => r.coldP99)).toFixed(0)} ms), ` +
        `${median(runs[v].map((r) => r.goodput)).toFixed(0)} answered/s, ${median(runs[v].map((r) => r.shed))} shed per run`,
    ),
    `(b) sizes: upstream serves ${UPSTREAM_WORKERS} at once (${latencyMs} ms each) and queues the rest; ${callers} callers, ` +
      `each run from a cold client: ${WARM_UP_MS} ms of warm-up, then ${RUN_MS} ms measured (requests sent after the warm-up); a shed caller waits ${SHED_BACKOFF_MS} ms`,
  ];
  return { runs, p99, notes };
}
