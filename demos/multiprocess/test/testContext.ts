import type { AgentContext, EventBus } from '@slipstream/contracts';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';

/** An in-process bus and an agent context over it, for the remote pieces' unit specs. */
export function testContext(
  services: Record<symbol, unknown> = {},
  source = 'test-node',
): AgentContext & { bus: EventBus } {
  const logger = createLogger({ silent: true });
  return {
    bus: new MessageBus(new InProcessTransport(), logger, { source }),
    logger,
    services: {
      get: <T>(id: symbol): T => services[id] as T,
      isBound: (id: symbol) => id in services,
    },
    signal: new AbortController().signal,
  };
}
