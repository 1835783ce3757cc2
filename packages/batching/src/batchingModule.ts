import { TOKENS } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import type { BatchSender } from './BatchSender';
import type { BatchCodec } from './codecs/BatchCodec';
import { JsonRpcCodec } from './codecs/JsonRpcCodec';
import { RequestBatcher } from './RequestBatcher';
import type { RequestBatcherOptions } from './RequestBatcherOptions';

/** Makes one batcher per batch endpoint; bound to `TOKENS.RequestBatcher`. */
export type RequestBatcherFactory = (sender: BatchSender, options?: RequestBatcherOptions) => RequestBatcher;

/**
 * Binds `TOKENS.BatchCodec` to the JSON-RPC 2.0 codec and `TOKENS.RequestBatcher` to a
 * `RequestBatcherFactory` whose batchers use the bound codec.
 */
export const batchingModule = new ContainerModule(({ bind }) => {
  bind<BatchCodec>(TOKENS.BatchCodec).to(JsonRpcCodec).inSingletonScope();
  bind<RequestBatcherFactory>(TOKENS.RequestBatcher).toFactory(
    (context) => (sender, options) =>
      new RequestBatcher(sender, options, context.get<BatchCodec>(TOKENS.BatchCodec)),
  );
});
