import { createNetworkClient, type NetworkClient } from '@slipstream/client';
import { UPSTREAM_HEADER } from '@slipstream/testkit';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

import { isOk } from '../clients/assertOk';
import { pairedRatio } from '../harness/pairedRatio';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite } from '../harness/suite';
import { median } from '../harness/summarize';
import { ratioVerdict } from '../harness/verdict';

/** Calls in flight (and pool connections per endpoint). */
const CONCURRENCY = 16;
/** Healthy traffic before the outage, ms. */
const BEFORE_MS = 1_000;
/**
 * The outage: one of the three endpoints answers every request 503 for this long, ms. Not a sum of
 * the ejection times (500 ms × n: 500, 1 500, 3 000 ms): at 3 000 ms the heal fell exactly where
 * the third ejection ended, and recovery read 0 ms whatever ejection cost.
 */
const OUTAGE_MS = 3_250;
/** Traffic after the endpoint healed, ms. */
const AFTER_MS = 2_000;
/** Width of the time bins detection and recovery are read from, ms. */
const BIN_MS = 100;
/** A healed endpoint has recovered once a bin gives it at least this share of its fair third. */
const RECOVERED_SHARE = 0.5;
const CLUSTER = 'bench';
const WITH = 'breaker + outlier detection';
const WITHOUT = 'no breaker, no outlier detection';

/** One finished call: when (ms since the outage began; while running, `performance.now()`), whether it succeeded, who answered. */
interface Call {
  at: number;
  ok: boolean;
  upstream: string;
}

/** What one run of one variant measured. */
interface OutageRun {
  /** Successful calls per second during the outage. */
  goodput: number;
  /**
   * ms from the outage's start to the failed call after which none failed for `BIN_MS` (the endpoint
   * was taken out of rotation); the outage length when calls kept failing to its end.
   */
  detectMs: number;
  /** ms from the heal until the healed endpoint served half its fair share in a bin; the run's rest when never. */
  recoverMs: number;
  /** Failed calls during the outage. */
  failures: number;
}

/**
 * Suite `breaker`: a partial outage. Three upstream processes in one cluster; after 1 s of
 * healthy traffic one of them answers every request 503 for 3.25 s, then heals, and traffic goes
 * on for 2 s. Two pipelines, alike in pool, balancer (round-robin, which on its own never avoids
 * a failing endpoint), retries (none) and warm-up: one with
 * per-endpoint breakers (5 calls, 50 %, reset 500 ms) and outlier ejection (3 consecutive
 * failures, 500 ms), one with neither. Measured per run: goodput during the outage, time to
 * detect (until the first 100 ms without a failed call: the endpoint is out) and time to recover (until the healed
 * endpoint serves half its fair share of a 100 ms bin again). The variants alternate, the first
 * of each round alternating too; goodput is compared pair by pair (median, paired range, verdict).
 */
export const breakerSuite: Suite = {
  name: 'breaker',
  description: `partial outage (1 of 3 endpoints 503 for ${OUTAGE_MS} ms): breaker + outlier detection vs neither, ${CONCURRENCY} in flight`,
  run: (ctx) =>
    withUpstreams(3, { requestLogSize: 0 }, async (upstreams) => {
      const origins = upstreams.map((u) => u.origin);
      const failing = upstreams[2]!;
      const name = await nameOf(failing.origin);
      const clients: Record<string, NetworkClient> = {
        [WITH]: pipeline(origins, true),
        [WITHOUT]: pipeline(origins, false),
      };
      const runs: Record<string, OutageRun[]> = { [WITH]: [], [WITHOUT]: [] };
      try {
        for (const client of Object.values(clients)) await warmUp(client);
        for (let round = 0; round < ctx.rounds; round++) {
          const order = round % 2 === 0 ? [WITH, WITHOUT] : [WITHOUT, WITH];
          for (const variant of order) {
            const run = await outage(clients[variant]!, (broken) =>
              failing.setBehaviour(broken ? { status: 503 } : {}),
            );
            const result = measureRun(run, name, origins.length);
            runs[variant]!.push(result);
            ctx.progress(
              `round ${round + 1}/${ctx.rounds} ${variant}: goodput ${Math.round(result.goodput)}/s, ` +
                `detect ${result.detectMs} ms, recover ${result.recoverMs} ms`,
            );
          }
        }
      } finally {
        await failing.setBehaviour({});
        await Promise.all(Object.values(clients).map((c) => c.close()));
      }
      const med = (variant: string, key: keyof OutageRun): number =>
        Math.round(median(runs[variant]!.map((r) => r[key])));
      const goodput = pairedRatio(runs[WITH]!, runs[WITHOUT]!, (r) => r.goodput);
      return {
        ratios: {
          outageGoodputWithVsWithout: goodput.median,
          detectMsWith: med(WITH, 'detectMs'),
          detectMsWithout: med(WITHOUT, 'detectMs'),
          recoverMsWith: med(WITH, 'recoverMs'),
          recoverMsWithout: med(WITHOUT, 'recoverMs'),
        },
        results: { runs, goodput },
        table: [WITH, WITHOUT].map((variant) => ({
          variant,
          'outage goodput/s': med(variant, 'goodput'),
          'outage failures': med(variant, 'failures'),
          'detect ms': med(variant, 'detectMs'),
          'recover ms': med(variant, 'recoverMs'),
        })),
        notes: [
          ratioVerdict('outage goodput, breaker + outlier detection ÷ neither', goodput, {
            op: '≥',
            value: 1,
          }),
          `time to detect: ${med(WITH, 'detectMs')} ms with breaker + outlier detection, ${med(WITHOUT, 'detectMs')} ms without (${OUTAGE_MS} ms = never: calls failed to the end of the outage)`,
          `time to recover after the heal: ${med(WITH, 'recoverMs')} ms with, ${med(WITHOUT, 'recoverMs')} ms without (an endpoint never taken out has nothing to recover)`,
          `sizes: ${CONCURRENCY} in flight, ${BEFORE_MS} ms healthy, ${OUTAGE_MS} ms outage, ${AFTER_MS} ms healed, ${BIN_MS} ms bins; medians of ${ctx.rounds} rounds per variant, order alternating`,
        ],
      };
    }),
};

/** A pipeline over `origins`, with (`protect`) or without breakers and outlier ejection; otherwise alike. */
function pipeline(origins: readonly string[], protect: boolean): NetworkClient {
  return createNetworkClient({
    clusters: [
      {
        cluster: CLUSTER,
        endpoints: origins.map((origin) => ({ origin })),
        // Round-robin in both: P2C's latency and failure penalty would detect the outage on its own.
        algorithm: 'round-robin',
        outlierDetection: protect
          ? { consecutiveFailures: 3, baseEjectionMs: 500, maxEjectionPercent: 50 }
          : { consecutiveFailures: Number.MAX_SAFE_INTEGER },
      },
    ],
    breaker: protect
      ? { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 500 }
      : { volumeThreshold: Number.MAX_SAFE_INTEGER },
    retry: { maxRetries: 0 },
    pool: { connections: CONCURRENCY },
  });
}

/** The name an upstream gives itself in its answers' `x-testkit-upstream` header. */
async function nameOf(origin: string): Promise<string> {
  const res = await fetch(`${origin}/whoami`);
  await res.arrayBuffer();
  return res.headers.get(UPSTREAM_HEADER) ?? origin;
}

/** Unmeasured healthy traffic that opens every connection: the same for both variants. */
async function warmUp(client: NetworkClient): Promise<void> {
  const end = performance.now() + BEFORE_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) await client.request({ path: '/bench', cluster: CLUSTER });
    }),
  );
}

/**
 * Closed-loop traffic for `BEFORE_MS + OUTAGE_MS + AFTER_MS`, breaking the endpoint at
 * `BEFORE_MS` and healing it `OUTAGE_MS` later; every call's time is taken from the moment the
 * break took effect.
 */
async function outage(client: NetworkClient, setBroken: (broken: boolean) => Promise<void>): Promise<Call[]> {
  const calls: Call[] = [];
  const start = performance.now();
  let brokenAt = start;
  const end = start + BEFORE_MS + OUTAGE_MS + AFTER_MS;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      let ok = false;
      let upstream = '';
      try {
        const res = await client.request({ path: '/bench', cluster: CLUSTER });
        ok = isOk(res.statusCode);
        upstream = String(res.headers[UPSTREAM_HEADER] ?? '');
      } catch {
        ok = false;
      }
      calls.push({ at: performance.now(), ok, upstream });
    }
  };
  const traffic = Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await delay(BEFORE_MS);
  await setBroken(true);
  brokenAt = performance.now();
  await delay(OUTAGE_MS);
  await setBroken(false);
  await traffic;
  return calls.map((c) => ({ ...c, at: c.at - brokenAt }));
}

/** The figures of one run (see `OutageRun`); `failing` names the endpoint that broke, `endpoints` how many there are. */
function measureRun(calls: readonly Call[], failing: string, endpoints: number): OutageRun {
  const during = calls.filter((c) => c.at >= 0 && c.at < OUTAGE_MS);
  const failures = during.filter((c) => !c.ok);
  const detectMs = timeToFirstQuiet(failures.map((c) => c.at).sort((a, b) => a - b));
  const after = calls.filter((c) => c.at >= OUTAGE_MS);
  let recoverMs = AFTER_MS;
  for (let bin = 0; bin * BIN_MS < AFTER_MS; bin++) {
    const inBin = after.filter(
      (c) => c.at - OUTAGE_MS >= bin * BIN_MS && c.at - OUTAGE_MS < (bin + 1) * BIN_MS,
    );
    const served = inBin.filter((c) => c.ok && c.upstream === failing).length;
    if (inBin.length > 0 && served >= (RECOVERED_SHARE * inBin.length) / endpoints) {
      recoverMs = bin * BIN_MS;
      break;
    }
  }
  return {
    goodput: (during.length - failures.length) / (OUTAGE_MS / 1_000),
    detectMs: Math.round(detectMs),
    recoverMs,
    failures: failures.length,
  };
}

/** The time of the first of `failedAt` (sorted, ms into the outage) followed by `BIN_MS` without one; `OUTAGE_MS` when none is. */
function timeToFirstQuiet(failedAt: readonly number[]): number {
  if (failedAt.length === 0) return 0;
  for (let i = 0; i < failedAt.length; i++) {
    const next = i + 1 < failedAt.length ? failedAt[i + 1]! : OUTAGE_MS;
    if (next - failedAt[i]! >= BIN_MS) return failedAt[i]!;
  }
  return OUTAGE_MS;
}
