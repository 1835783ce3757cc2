import { TOKENS } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import { HTTP_OPTIONS } from './HTTP_OPTIONS';
import type { PoolManagerOptions } from './options/PoolManagerOptions';
import { PoolManager } from './PoolManager';

/** Options of the http package's container module. */
export interface HttpModuleOptions {
  /** Settings of the `PoolManager`. Defaults to {} (every pooling default). */
  pool?: PoolManagerOptions;
}

/**
 * Binds `TOKENS.PoolManager` to one `PoolManager` (singleton), built from `options.pool`
 * and closed (drained) when the container unbinds it.
 */
export function httpModule(options: HttpModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<PoolManagerOptions>(HTTP_OPTIONS).toConstantValue(options.pool ?? {});
    bind<PoolManager>(TOKENS.PoolManager)
      .to(PoolManager)
      .inSingletonScope()
      .onDeactivation((manager) => manager.close());
  });
}
