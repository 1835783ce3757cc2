import { SlipstreamError } from '@slipstream/contracts';

/**
 * A step added to the pipeline failed on its own (it threw, or answered `request()` with a
 * stream): the client's fault, not an upstream's. Classified as a local rejection: no endpoint,
 * breaker or limiter learns it; not retried. The step's own error is the `cause`.
 */
export class PipelineStepError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_PIPELINE_STEP';
}
