import { TOKENS } from '@slipstream/contracts';
import { ContainerModule } from 'inversify';
import { CLIENT_OPTIONS } from './CLIENT_OPTIONS';
import { NetworkClient } from './NetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

/**
 * Binds `TOKENS.NetworkClient` to one `NetworkClient` (singleton) built from `options`, with the
 * bound `TOKENS.PoolManager` and, when bound, `TOKENS.MetricsRegistry`, `TOKENS.EventBus` and
 * `TOKENS.Logger`. The client is drained (`close()`) when the container unbinds it.
 */
export function clientModule(options: NetworkClientOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<NetworkClientOptions>(CLIENT_OPTIONS).toConstantValue(options);
    bind<NetworkClient>(TOKENS.NetworkClient)
      .to(NetworkClient)
      .inSingletonScope()
      .onDeactivation((client) => client.close());
  });
}
