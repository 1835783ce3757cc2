import type { ServiceResolver } from '@slipstream/contracts';
import type { Container } from 'inversify';

/** The contracts' `ServiceResolver` over an inversify container, so agents never import inversify. */
export class ContainerServiceResolver implements ServiceResolver {
  constructor(private readonly container: Container) {}

  /** The service bound to `id`; throws when none is. */
  get<T>(id: symbol): T {
    return this.container.get<T>(id);
  }

  /** Whether anything is bound to `id`. */
  isBound(id: symbol): boolean {
    return this.container.isBound(id);
  }
}
