import { TOKENS, type Logger } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import { InProcessTransport } from './bus/InProcessTransport';
import { MessageBus, type MessageBusOptions } from './bus/MessageBus';
import type { CoreConfig } from './config/coreConfigSchema';
import { CORE_TOKENS } from './CORE_TOKENS';

/** What `coreModule` binds. */
export interface CoreModuleOptions {
  /** Core's parsed configuration, bound to `TOKENS.Config`. */
  config: CoreConfig;
  /** The root logger, bound to `TOKENS.Logger`. */
  logger: Logger;
}

/**
 * Core's bindings: `TOKENS.Config`, `TOKENS.Logger`, `TOKENS.EventBus` (a singleton
 * `MessageBus`) and, when `bus.transport` is `in-process`, `TOKENS.Transport`. For `nats`
 * the transport-nats module binds `TOKENS.Transport`.
 */
export function coreModule({ config, logger }: CoreModuleOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Config).toConstantValue(config);
    bind(TOKENS.Logger).toConstantValue(logger);
    bind<MessageBusOptions>(CORE_TOKENS.MessageBusOptions).toConstantValue({
      source: config.nodeId,
      requestTimeoutMs: config.bus.requestTimeoutMs,
      checkSerializable: config.bus.checkSerializable,
    });
    if (config.bus.transport === 'in-process') {
      bind(TOKENS.Transport)
        .toDynamicValue(() => new InProcessTransport())
        .inSingletonScope();
    }
    bind(TOKENS.EventBus).to(MessageBus).inSingletonScope();
  });
}
