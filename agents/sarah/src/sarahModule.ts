import { ContainerModule } from 'inversify';
import type { SarahAgent } from './SarahAgent';
import { SARAH_TOKENS } from './SARAH_TOKENS';

/**
 * Binds the given Sarah workers to `SARAH_TOKENS.Worker` (one binding each), so other parts of
 * the node can list them. Sarah's own dependency, `TOKENS.NetworkClient`, comes from the
 * network-performance agent's modules.
 */
export function sarahModule(...workers: SarahAgent[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const worker of workers) bind(SARAH_TOKENS.Worker).toConstantValue(worker);
  });
}
