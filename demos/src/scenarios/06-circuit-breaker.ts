import { createNetworkClient } from '@slipstream/client';
import type { BreakerEvent, CircuitBreakerConfig } from '@slipstream/contracts';
import type { DemoUpstream } from '../environment/DemoUpstream';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { EventLog } from './support/EventLog';
import { scaled } from './support/workload';
import { waitUntil } from './support/waitUntil';

const RESET_TIMEOUT_MS = 1_000;
const VOLUME_THRESHOLD = 5;
const BREAKER: CircuitBreakerConfig = {
  volumeThreshold: VOLUME_THRESHOLD,
  errorThresholdPercentage: 50,
  resetTimeoutMs: RESET_TIMEOUT_MS,
  fallback: { status: 200, body: { fallback: true } },
};
const FALLBACK_HEADER = 'x-slipstream-fallback';
const LIFECYCLE = 'opened→halfOpen→closed';

/**
 * Scenario 6: an endpoint fails every request, then recovers. Without a breaker every request
 * reaches it and fails; with one, the circuit opens after the volume threshold, the fallback
 * answers, a half-open probe follows the reset timeout, and the circuit closes once the
 * endpoint is healthy. The states are the events seen on the bus.
 */
export const circuitBreaker: Scenario = {
  id: 6,
  name: 'circuit breaker + fallback',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const target = ctx.upstreams[0]!;
    const count = scaled(40, ctx.scale, 20);
    ctx.progress(`  ${count} requests to a failing endpoint: breaker never trips`);
    const baseline = await measure(ctx, target, count, {
      ...BREAKER,
      volumeThreshold: count + 1,
      fallback: null,
    });
    ctx.progress(
      `  ${count} requests to a failing endpoint: breaker (5 calls, 50 %), fallback, then recovery`,
    );
    const optimized = await measure(ctx, target, count, BREAKER);
    const passed =
      optimized.lifecycle === LIFECYCLE &&
      optimized.fallbacks > 0 &&
      optimized.callerFailures <= VOLUME_THRESHOLD;
    return {
      baseline,
      optimized,
      change: {
        upstreamHits: optimized.upstreamHits - baseline.upstreamHits,
        callerFailures: optimized.callerFailures - baseline.callerFailures,
      },
      passed,
      property:
        `breaker events on the bus: closed→${optimized.lifecycle || '(none)'}, ` +
        `${optimized.fallbacks} fallbacks served, ${optimized.callerFailures} failures reached the caller ` +
        `(≤ ${VOLUME_THRESHOLD}, the calls that trip it)`,
    };
  },
};

interface BreakerFigures extends Figures {
  requests: number;
  upstreamHits: number;
  callerFailures: number;
  fallbacks: number;
  lifecycle: string;
}

async function measure(
  ctx: ScenarioContext,
  target: DemoUpstream,
  count: number,
  breaker: CircuitBreakerConfig,
): Promise<BreakerFigures> {
  const client = createNetworkClient(
    {
      clusters: [{ cluster: 'breaker', endpoints: [{ origin: target.origin }] }],
      breaker,
      retry: { maxRetries: 0 },
    },
    { bus: ctx.bus, logger: ctx.logger },
  );
  const log = new EventLog(
    ctx.bus,
    'network.breaker.*',
    (p) => (p as BreakerEvent).endpoint === target.origin,
  );
  await target.resetCounters();
  await target.setBehaviour({ status: 500 });
  let callerFailures = 0;
  let fallbacks = 0;
  const send = async (): Promise<void> => {
    try {
      const res = await client.request({ path: '/breaker', cluster: 'breaker' });
      if (res.headers[FALLBACK_HEADER] !== undefined) fallbacks++;
      else if (res.statusCode >= 500) callerFailures++;
    } catch {
      callerFailures++;
    }
  };
  try {
    for (let i = 0; i < count; i++) await send();
    const hits = (await target.counters()).requestsByRoute['/breaker'] ?? 0;
    await target.setBehaviour({});
    if (log.count('network.breaker.opened') > 0) {
      ctx.progress(
        `  endpoint healed; waiting for half-open (reset timeout ${RESET_TIMEOUT_MS} ms) and a probe`,
      );
      await waitUntil(() => log.count('network.breaker.halfOpen') > 0, { timeoutMs: RESET_TIMEOUT_MS * 10 });
      await waitUntil(() => log.count('network.breaker.closed') > 0, { timeoutMs: 5_000, tick: send });
    }
    return {
      requests: count,
      upstreamHits: hits,
      callerFailures,
      fallbacks,
      lifecycle: log
        .topics()
        .map((t) => t.slice(t.lastIndexOf('.') + 1))
        .join('→'),
    };
  } finally {
    log.close();
    await target.setBehaviour({});
    await client.close();
  }
}
