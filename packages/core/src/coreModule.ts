import { TOKENS, type Logger } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import { inProcessTransportFactory } from './bus/inProcessTransportFactory';
import { MessageBus, type MessageBusOptions } from './bus/MessageBus';
import { selectTransportFactory } from './bus/selectTransportFactory';
import type { TransportFactory } from './bus/TransportFactory';
import type { CoreConfig } from './config/coreConfigSchema';
import { CORE_TOKENS } from './CORE_TOKENS';

/** What `coreModule` binds. */
export interface CoreModuleOptions {
  /** Core's parsed configuration (the bus settings, the node id). */
  config: CoreConfig;
  /** The root logger, bound to `TOKENS.Logger`. */
  logger: Logger;
}

/**
 * Core's bindings: `TOKENS.Logger`, `TOKENS.EventBus` (a singleton
 * `MessageBus`), the in-process `TransportFactory`, and `TOKENS.Transport`: a singleton built
 * by the factory (bound to `CORE_TOKENS.TransportFactory` by any loaded module) whose name is
 * `bus.transport`. Resolving it throws a `ConfigError` on `bus.transport` when none serves it.
 */
export function coreModule({ config, logger }: CoreModuleOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Logger).toConstantValue(logger);
    bind<MessageBusOptions>(CORE_TOKENS.MessageBusOptions).toConstantValue({
      source: config.nodeId,
      requestTimeoutMs: config.bus.requestTimeoutMs,
      checkSerializable: config.bus.checkSerializable,
    });
    bind<TransportFactory>(CORE_TOKENS.TransportFactory).toConstantValue(inProcessTransportFactory);
    bind(TOKENS.Transport)
      .toDynamicValue((ctx) =>
        selectTransportFactory(
          ctx.getAll<TransportFactory>(CORE_TOKENS.TransportFactory),
          config.bus.transport,
        ).create(config, logger),
      )
      .inSingletonScope();
    bind(TOKENS.EventBus).to(MessageBus).inSingletonScope();
  });
}
