import type { QosScheduler } from '@slipstream/routing';
import { UpstreamResponseError } from '../../errors/UpstreamResponseError';
import type { Exchange } from '../Exchange';
import type { PipelineResponse, PipelineStep } from '../PipelineStep';

/**
 * admit: takes the request's permit from the scheduler (its QoS class, the cluster's
 * concurrency limit) before anything is sent; a request shed here never costs an upstream
 * anything. The permit stays on the exchange until the request ends (a stream: its body).
 * A 5xx or 429 left after the last attempt is the request's answer, not an error.
 */
export class AdmitStep<R extends PipelineResponse> implements PipelineStep<Exchange, R> {
  readonly name = 'admit';

  constructor(private readonly scheduler: QosScheduler) {}

  async handle(x: Exchange, next: (x: Exchange) => Promise<R>): Promise<R> {
    x.permit = await this.scheduler.acquire(x.cluster, x.qosClass, x);
    x.observation?.admitted(x.permit.queuedMs);
    try {
      return await next(x);
    } catch (err) {
      if (err instanceof UpstreamResponseError) return err.response as R;
      throw err;
    }
  }
}
