import type { EventBus, RequestBatchingConfig } from '@slipstream/contracts';
import { RequestBatcher, type BatchSender } from '@slipstream/batching';
import { Hedger, type HedgerOptions } from '@slipstream/resilience';
import { QosScheduler, Router, type QosSchedulerOptions, type RouterOptions } from '@slipstream/routing';

/**
 * How a `NetworkClient` builds the components it owns per configuration: its router and its
 * scheduler (one each, built once the clusters are configured), a JSON-RPC batcher per cluster
 * and a hedger per hedging route (built on first use). The client resolves them from the
 * container (`TOKENS.ClientFactories`), so a module may rebind them, e.g. with a subclass that
 * instruments or replaces one of them (`{ ...DEFAULT_CLIENT_FACTORIES, hedger: … }`).
 */
export interface ClientFactories {
  router(options: RouterOptions, bus: EventBus | undefined): Router;
  scheduler(options: QosSchedulerOptions, bus: EventBus | undefined): QosScheduler;
  batcher(send: BatchSender, options: RequestBatchingConfig): RequestBatcher;
  hedger(options: HedgerOptions): Hedger;
}

/** The built-in components. */
export const DEFAULT_CLIENT_FACTORIES: ClientFactories = Object.freeze({
  router: (options: RouterOptions, bus: EventBus | undefined) => new Router(options, bus),
  scheduler: (options: QosSchedulerOptions, bus: EventBus | undefined) => new QosScheduler(options, bus),
  batcher: (send: BatchSender, options: RequestBatchingConfig) => new RequestBatcher(send, options),
  hedger: (options: HedgerOptions) => new Hedger(options),
});
