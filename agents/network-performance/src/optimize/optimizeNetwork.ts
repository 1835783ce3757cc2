import type { Logger, NetworkOptimizationResult, PerformanceMetrics } from '@slipstream/contracts';
import type { NetworkClient } from '@slipstream/client';
import { measureSystem } from '../measure/measureSystem';
import { measureWorkload, type Workload } from '../measure/measureWorkload';
import { interleavedAb } from './interleavedAb';
import {
  planOptimizations,
  type ConfigPatch,
  type OptimizationInput,
  type PlannedStep,
} from './planOptimizations';

/** Warm-up of a block: this many requests per worker, unmeasured, after the settings switched. */
const WARMUP_ROUNDS = 2;

/**
 * Shortest probe and A/B block, ms (`Workload.minDurationMs`: the workload goes on past its
 * request count until then). A block of a few tens of ms is decided by one GC pause or
 * scheduler hiccup, and a probe that short gives the pool sampler a handful of samples; at a
 * quarter second those average out.
 */
export const MIN_BLOCK_MS = 250;

/** What `optimizeNetwork` needs of the agent. */
export interface OptimizeDeps {
  client: NetworkClient;
  /** The workload of the probe and of every A/B block. */
  workload: Workload;
  /** The settings in force now. */
  settings(): Omit<OptimizationInput, 'measurement'>;
  /** Applies one configure call (rejects when refused). */
  configure(patch: ConfigPatch): Promise<unknown>;
  logger?: Logger;
}

/**
 * `network.optimize`: measures the running system under the probe workload (`measureSystem`,
 * after a warm-up pass), plans from that measurement (`planOptimizations`) and, with an empty
 * plan, stops there: nothing changed, verdict 'nothing to change', no improvement claimed.
 * Otherwise it runs an interleaved A/B of the plan (`interleavedAb`: old and new settings in
 * alternating blocks of the same workload, each after its own warm-up and lasting at least
 * `MIN_BLOCK_MS`, as the probe does) and keeps the new settings only when the verdict is
 * `improved`; otherwise it puts the old ones back. A change the A/B cannot show to help is not
 * left in force: kept on `no measurable change`, settings would ratchet up on noise.
 */
export async function optimizeNetwork(deps: OptimizeDeps): Promise<NetworkOptimizationResult> {
  const { client, workload } = deps;
  await warmUp(client, workload);
  const limit = deps.settings().pool.connections * deps.settings().pool.pipelining;
  const measured = { ...workload, minDurationMs: MIN_BLOCK_MS };
  const measurement = await measureSystem(client, measured, limit);
  const steps = planOptimizations({ ...deps.settings(), measurement });
  const result: NetworkOptimizationResult = {
    success: true,
    measurement,
    plan: steps.map((s) => s.change),
    verdict: 'nothing to change',
    applied: false,
    blocks: [],
    performanceMetrics: measurement.workload,
  };
  if (steps.length === 0) return result;
  let failed = false;
  const apply = async (patches: ConfigPatch[]): Promise<void> => {
    for (const patch of patches) {
      try {
        await deps.configure(patch);
      } catch (err) {
        failed = true;
        deps.logger?.warn('optimization refused', { error: err, patch });
      }
    }
  };
  const forward = steps.map((s: PlannedStep) => s.apply);
  const backward = steps.map((s: PlannedStep) => s.undo).reverse();
  const ab = await interleavedAb({
    useOld: () => apply(backward),
    useNew: () => apply(forward),
    block: () => abBlock(client, measured),
  });
  const keep = ab.comparison.verdict === 'improved';
  const last = ab.blocks[ab.blocks.length - 1]!.settings;
  if (keep && last === 'old') await apply(forward);
  if (!keep && last === 'new') await apply(backward);
  return {
    ...result,
    success: !failed,
    comparison: ab.comparison,
    verdict: ab.comparison.verdict,
    applied: keep,
    blocks: ab.blocks,
  };
}

/** One A/B block: an unmeasured warm-up on the settings just put in force, then the workload. */
export async function abBlock(client: NetworkClient, workload: Workload): Promise<PerformanceMetrics> {
  await warmUp(client, workload);
  return measureWorkload(client, workload);
}

/** `WARMUP_ROUNDS` × `concurrency` requests (at most the workload's count), unmeasured, however short. */
async function warmUp(client: NetworkClient, workload: Workload): Promise<void> {
  const requests = Math.min(workload.requests, WARMUP_ROUNDS * workload.concurrency);
  await measureWorkload(client, { ...workload, requests, minDurationMs: 0 });
}
