import { MIN_AB_PAIRS } from '@slipstream/contracts';
import { z } from 'zod';
import { MAX_TIMER_MS, ms, name, positiveInt } from './primitives';

/** A positive duration in ms (fractions allowed), at most what a Node timer keeps. */
const positiveDuration = z.number().positive().max(MAX_TIMER_MS);

/** `agents.sarah`: a Sarah worker (`SarahOptions` of `@slipstream/agent-sarah`). */
export const sarahSectionSchema = z.strictObject({
  /** Agent id. Defaults to 'sarah'. */
  id: name.optional(),
  /** Queue group of `sarah.task`: workers sharing it share the tasks. Defaults to 'sarah'. */
  group: name.optional(),
  /** QoS class of each task priority. Defaults to critical → 'critical', standard → 'standard', bulk → 'bulk'. */
  qosClasses: z
    .strictObject({ critical: name.optional(), standard: name.optional(), bulk: name.optional() })
    .optional(),
  /** Delivery attempts of a durable task before a retryable failure is final. Defaults to 5. */
  maxDeliveryAttempts: positiveInt.optional(),
});

/** `agents.performance-optimizer`: the closed-loop tuner (`OptimizerOptions` of `@slipstream/agent-performance-optimizer`). */
export const optimizerSectionSchema = z.strictObject({
  /** Wait after a settled change before its rule may act again, ms. Defaults to 60_000 ms. */
  cooldownMs: ms.optional(),
  /** Fewest snapshots per A/A or A/B block. Defaults to 2. */
  verifySnapshots: positiveInt.optional(),
  /** Pairs of A/B blocks that decide whether a change is kept. Defaults to 6. */
  abPairs: z.number().int().min(MIN_AB_PAIRS).optional(),
  /** Most connections per origin the pool rule may set. Defaults to 256. */
  maxConnections: positiveInt.optional(),
  /** Most connections the pool rule adds at once. Defaults to 16. */
  maxConnectionStep: positiveInt.optional(),
  /** Longest keep-alive the keep-alive rule may set, ms. Defaults to 4_500 ms. */
  maxKeepAliveMs: positiveDuration.optional(),
  /** Longest batch window the batch rule may set, ms. Defaults to 20 ms. */
  maxBatchDelayMs: positiveDuration.optional(),
  /** Longest breaker reset the flap rule may set, ms. Defaults to 300_000 ms. */
  maxBreakerResetMs: positiveDuration.optional(),
});

/**
 * The `agents` section of a config file: which agents run beside the sidecar, each with its
 * options (`{}`: every default). An agent not named does not run.
 */
export const agentsSectionSchema = z.strictObject({
  /** A Sarah worker: takes `sarah.task` commands and runs them through the sidecar. Defaults to none. */
  sarah: sarahSectionSchema.optional(),
  /** The PerformanceOptimizer: tunes the sidecar from its snapshots. Defaults to none. */
  'performance-optimizer': optimizerSectionSchema.optional(),
});

/** The `agents` section as validated. */
export type AgentsSection = z.output<typeof agentsSectionSchema>;
