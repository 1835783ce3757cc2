import type { AgentContext, EventBus } from '@slipstream/contracts';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';

/** An in-process bus and an agent context over it, for the remote pieces' unit specs; `signal` defaults to one never aborted. */
export function testContext(
  services: Record<symbol, unknown> = {},
  source = 'test-node',
  signal: AbortSignal = new AbortController().signal,
): AgentContext & { bus: EventBus } {
  const logger = createLogger({ silent: true });
  return {
    bus: new MessageBus(new InProcessTransport(), logger, { source }),
    logger,
    services: {
      get: <T>(id: symbol): T => services[id] as T,
      isBound: (id: symbol) => id in services,
    },
    signal,
  };
}
