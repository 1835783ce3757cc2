import type { Logger, Transport } from '@slipstream/contracts';
import type { Orchestrator } from '@slipstream/core';

/**
 * Stops `orchestrator` within `deadlineMs`: when its stop has not finished by then, closes the bus
 * `transport` hard and lets the stop finish without it. A NATS bus that lost its server holds the
 * lifecycle events the orchestrator publishes while stopping until the server comes back, so
 * without the cut a sidecar would not exit on SIGTERM while NATS is down; closed, the transport
 * rejects what it holds (logged) and closes its connection, bounded by its own `drainTimeoutMs`.
 */
export async function stopOrchestratorWithin(
  orchestrator: Orchestrator,
  deadlineMs: number,
  transport: () => Transport | undefined,
  logger: Logger,
): Promise<void> {
  const stopped = orchestrator.stop();
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<'cut'>((resolve) => {
    timer = setTimeout(() => resolve('cut'), deadlineMs);
  });
  try {
    if ((await Promise.race([stopped.then(() => 'stopped' as const), cut])) === 'stopped') return;
  } finally {
    clearTimeout(timer);
  }
  logger.warn('the stop did not finish within the drain timeout; closing the bus connection', {
    drainTimeoutMs: deadlineMs,
  });
  await transport()?.close();
  await stopped;
}
