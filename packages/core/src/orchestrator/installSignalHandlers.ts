import type { Disposer, Logger } from '@slipstream/contracts';
import { serializeError } from '../errors/serializeError';

/** Options of `installSignalHandlers`. */
export interface SignalHandlerOptions {
  /** Signals that trigger a graceful stop. Defaults to `['SIGINT', 'SIGTERM']`. */
  signals?: readonly NodeJS.Signals[];
  /** Ends the process with a code. Defaults to `process.exit`. */
  exit?: (code: number) => void;
  /** Where the signals arrive. Defaults to `process`. */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

const DEFAULTS: Readonly<Required<SignalHandlerOptions>> = Object.freeze({
  signals: ['SIGINT', 'SIGTERM'],
  exit: (code: number): void => process.exit(code),
  target: process,
});

/**
 * On the first SIGINT/SIGTERM stops `orchestrator` gracefully, then exits 0 (1 when the stop
 * threw); a second signal exits 1 at once. Returns a disposer that removes the handlers.
 */
export function installSignalHandlers(
  orchestrator: { stop(): Promise<void> },
  logger: Logger,
  options: SignalHandlerOptions = {},
): Disposer {
  const signals = options.signals ?? DEFAULTS.signals;
  const exit = options.exit ?? DEFAULTS.exit;
  const target = options.target ?? DEFAULTS.target;
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      logger.warn('second signal: exiting without waiting for the graceful stop', { signal });
      exit(1);
      return;
    }
    received = true;
    logger.info('signal received: stopping gracefully', { signal });
    orchestrator.stop().then(
      () => exit(0),
      (err: unknown) => {
        logger.error('graceful stop failed', { error: serializeError(err) });
        exit(1);
      },
    );
  };
  for (const signal of signals) target.on(signal, onSignal);
  return () => {
    for (const signal of signals) target.off(signal, onSignal);
  };
}
