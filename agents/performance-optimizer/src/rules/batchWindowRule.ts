import type { Observation, OptimizerRule } from './OptimizerRule';
import { windowed } from './windowed';

/** Calls per batch over the window (0 without batches). */
function meanBatch(obs: Observation): number {
  const batches = windowed(obs, (s) => s.batching?.batchesSent ?? 0);
  return batches > 0 ? windowed(obs, (s) => s.batching?.callsSent ?? 0) / batches : 0;
}

/**
 * batch-window. Trigger: at least `minBatches` in the window, fewer than `smallBatch` calls per
 * batch, and p99 latency + the longer window still inside the latency objective; only when the
 * sidecar reports the flush delay in force. Change: flush
 * delay + `stepMs`, capped at `maxDelayMs`. Target: calls per batch (higher is better).
 */
export function batchWindowRule(bounds: {
  minBatches: number;
  smallBatch: number;
  stepMs: number;
  maxDelayMs: number;
}): OptimizerRule {
  return {
    name: 'batch-window',
    metric: 'meanBatchSize',
    better: 'higher',
    measure: meanBatch,
    propose(obs, s) {
      if (s.maxDelayMs === undefined) return undefined;
      const batches = windowed(obs, (snap) => snap.batching?.batchesSent ?? 0);
      const mean = meanBatch(obs);
      const next = Math.min(bounds.maxDelayMs, s.maxDelayMs + bounds.stepMs);
      const headroom = obs.snapshot.health.sloLatencyMs - obs.snapshot.overall.latencyP99 - next;
      if (batches < bounds.minBatches || mean >= bounds.smallBatch || next <= s.maxDelayMs || headroom <= 0) {
        return undefined;
      }
      return {
        rule: 'batch-window',
        command: 'network.batching.configure',
        change: { maxDelayMs: next },
        previous: { maxDelayMs: s.maxDelayMs },
        metric: 'meanBatchSize',
        before: mean,
        reason: `${mean.toFixed(2)} calls per batch over ${batches} batches, ${headroom.toFixed(0)} ms of latency headroom`,
      };
    },
  };
}
