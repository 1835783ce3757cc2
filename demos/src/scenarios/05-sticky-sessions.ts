import type { BalancerAlgorithm, EndpointConfig } from '@slipstream/contracts';
import { createPrng, UPSTREAM_HEADER, type Prng } from '@slipstream/testkit';
import { share } from '../runner/figures';
import type { Figures, Scenario, ScenarioContext, ScenarioOutcome } from '../runner/Scenario';
import { expectOk } from './support/expectOk';
import { scaled } from './support/workload';

const ENDPOINTS = 5;
const CLUSTER = 'sticky';
/** Seed of the order the keys are sent in (a new shuffle every round). */
const ORDER_SEED = 5;

/**
 * Scenario 5: session keys are sent twice through the running sidecar, then once more after
 * one endpoint left the cluster, each round in a new random order (so an algorithm that ignores
 * the key cannot look sticky by sending keys in the same order). The cluster, its algorithm and the removal are applied with
 * `network.balancing.configure` over the bus. The endpoint that served each request is the one
 * the upstream names in its answer. Under consistent hashing every key stays put, and only the
 * removed endpoint's keys move. The baseline and the switched-off run send no sticky key (the
 * affinity table makes any algorithm sticky once a key is sent).
 */
export const stickySessions: Scenario = {
  id: 5,
  name: 'sticky sessions',
  async run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
    const keys = Array.from({ length: scaled(200, ctx.scale, 50) }, (_, i) => `session-${i}`);
    ctx.progress(`  ${keys.length} keys × 3 rounds through the sidecar: round-robin, no sticky key`);
    const baseline = await measure(ctx, 'round-robin', keys, false);
    ctx.progress(`  ${keys.length} keys × 3 rounds through the sidecar: consistent hash`);
    const off = ctx.featureOff === true;
    const optimized = await measure(ctx, off ? 'round-robin' : 'consistent-hash', keys, !off);
    const passed =
      optimized.keptAcrossRounds === keys.length &&
      optimized.movedOthers === 0 &&
      optimized.movedFromRemoved === optimized.onRemoved;
    return {
      baseline,
      optimized,
      change: {
        keptAcrossRounds: share(optimized.keptAcrossRounds - baseline.keptAcrossRounds, keys.length),
        movedOnRemoval: share(
          optimized.movedOthers +
            optimized.movedFromRemoved -
            baseline.movedOthers -
            baseline.movedFromRemoved,
          keys.length,
        ),
      },
      passed,
      property:
        `consistent hash: ${optimized.keptAcrossRounds}/${keys.length} keys on the same endpoint twice; after one of ` +
        `${ENDPOINTS} endpoints left, ${optimized.movedOthers} other keys moved and ` +
        `${optimized.movedFromRemoved}/${optimized.onRemoved} of its keys were reassigned`,
    };
  },
};

interface StickyFigures extends Figures {
  algorithm: string;
  keys: number;
  keptAcrossRounds: number;
  onRemoved: number;
  movedFromRemoved: number;
  movedOthers: number;
}

async function measure(
  ctx: ScenarioContext,
  algorithm: BalancerAlgorithm,
  keys: string[],
  sticky: boolean,
): Promise<StickyFigures> {
  const upstreams = ctx.upstreams.slice(0, ENDPOINTS);
  const endpoints: EndpointConfig[] = upstreams.map((u) => ({ origin: u.origin }));
  const configure = (list: EndpointConfig[]): Promise<unknown> =>
    ctx.bus.request('network.balancing.configure', { cluster: CLUSTER, algorithm, endpoints: list });
  await configure(endpoints);
  const origins = await originsByName(upstreams.map((u) => u.origin));
  const random = createPrng(ORDER_SEED);
  const first = await servedBy(ctx, shuffled(keys, random), origins, sticky);
  const second = await servedBy(ctx, shuffled(keys, random), origins, sticky);
  const removed = upstreams[ENDPOINTS - 1]!.origin;
  await configure(endpoints.filter((e) => e.origin !== removed));
  const third = await servedBy(ctx, shuffled(keys, random), origins, sticky);
  const onRemoved = keys.filter((k) => second.get(k) === removed);
  return {
    algorithm,
    keys: keys.length,
    keptAcrossRounds: keys.filter((k) => first.get(k) === second.get(k)).length,
    onRemoved: onRemoved.length,
    movedFromRemoved: onRemoved.filter((k) => third.get(k) !== removed).length,
    movedOthers: keys.filter((k) => second.get(k) !== removed && third.get(k) !== second.get(k)).length,
  };
}

/** A copy of `keys` in random order (Fisher–Yates over `random`). */
function shuffled(keys: readonly string[], random: Prng): string[] {
  const out = [...keys];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The name each upstream gives itself in its `x-testkit-upstream` header, mapped to its origin (asked directly, off the pipeline). */
async function originsByName(origins: readonly string[]): Promise<Map<string, string>> {
  const names = await Promise.all(
    origins.map(async (origin) => {
      const res = await fetch(`${origin}/whoami`);
      await res.arrayBuffer();
      return res.headers.get(UPSTREAM_HEADER) ?? origin;
    }),
  );
  return new Map(names.map((name, i) => [name, origins[i]!]));
}

/** For each key (sent as the sticky key when `sticky`), the origin of the upstream that answered it through the sidecar (named in the upstream's header; a forwarding upstream names itself, not the real service behind it). */
async function servedBy(
  ctx: ScenarioContext,
  keys: readonly string[],
  origins: ReadonlyMap<string, string>,
  sticky: boolean,
): Promise<Map<string, string>> {
  const served = new Map<string, string>();
  for (const key of keys) {
    const res = expectOk(
      await ctx.network.request({ path: '/session', cluster: CLUSTER }, sticky ? { stickyKey: key } : {}),
    );
    const name = String(res.headers[UPSTREAM_HEADER]);
    served.set(key, origins.get(name) ?? name);
  }
  return served;
}
