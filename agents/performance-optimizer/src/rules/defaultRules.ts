import { OPTIMIZER_DEFAULTS as D, type OptimizerOptions } from '../OptimizerOptions';
import { batchWindowRule } from './batchWindowRule';
import { breakerFlapRule } from './breakerFlapRule';
import { keepAliveRule } from './keepAliveRule';
import { lbOutlierRule } from './lbOutlierRule';
import type { OptimizerRule } from './OptimizerRule';
import { poolSizeRule } from './poolSizeRule';

/** The five documented rules, in the order they are asked, bounded by `options`. */
export function defaultRules(options: OptimizerOptions = {}): OptimizerRule[] {
  return [
    poolSizeRule({
      maxConnections: options.maxConnections ?? D.maxConnections,
      maxStep: options.maxConnectionStep ?? D.maxConnectionStep,
    }),
    keepAliveRule({
      lowReuse: D.lowReuse,
      minRequests: D.minRequests,
      maxKeepAliveMs: options.maxKeepAliveMs ?? D.maxKeepAliveMs,
    }),
    batchWindowRule({
      minBatches: D.minBatches,
      smallBatch: D.smallBatch,
      stepMs: D.batchStepMs,
      maxDelayMs: options.maxBatchDelayMs ?? D.maxBatchDelayMs,
    }),
    lbOutlierRule({ outlierFactor: D.outlierFactor }),
    breakerFlapRule({
      flapOpens: D.flapOpens,
      maxResetMs: options.maxBreakerResetMs ?? D.maxBreakerResetMs,
      maxVolume: D.maxBreakerVolume,
    }),
  ];
}
