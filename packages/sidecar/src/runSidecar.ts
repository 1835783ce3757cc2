import { ConfigError, type Logger } from '@slipstream/contracts';
import { serializeError } from '@slipstream/core';
import { startSidecar, type RunningSidecar } from './startSidecar';

/** Options of `runSidecar` (the process's own by default; tests pass their own). */
export interface RunSidecarOptions {
  /** Where the signals arrive. Defaults to `process`. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Where usage and config errors go. Defaults to `process.stderr`. */
  stderr?: Pick<NodeJS.WriteStream, 'write'>;
  /** Called once the sidecar listens. Defaults to sending `SidecarReadyMessage` over IPC when there is a parent. */
  onReady?: (sidecar: RunningSidecar) => void;
  /** Root logger. Defaults to one built from the config's `log` section. */
  logger?: Logger;
}

/** The IPC message a sidecar forked by a parent sends once it listens. */
export interface SidecarReadyMessage {
  type: 'sidecar.ready';
  proxyUrl: string;
  adminUrl: string | undefined;
}

/** Exit codes of `runSidecar` (those of the `slipstream` command). */
export const SIDECAR_EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });

const USAGE = 'usage: slipstream sidecar --config FILE   (YAML or JSON; see @slipstream/sidecar README)\n';

/**
 * `slipstream sidecar --config FILE`: starts the sidecar from the file, reloads it on SIGHUP (and
 * when the file changes, with `sidecar.watch`), and on SIGTERM or SIGINT drains (stops
 * accepting, finishes the requests in flight within `sidecar.drainTimeoutMs`) and stops.
 * Resolves with the exit code: 0 after a graceful stop, 1 when the start fails or the stop throws
 * (or a second signal arrives), 2 for bad arguments or a config refused (as `slipstream validate`
 * refuses it).
 */
export async function runSidecar(argv: readonly string[], options: RunSidecarOptions = {}): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const file = configArgument(argv);
  if (file === undefined) {
    stderr.write(USAGE);
    return SIDECAR_EXIT.usage;
  }
  let sidecar: RunningSidecar;
  try {
    sidecar = await startSidecar({ configFile: file, logger: options.logger });
  } catch (err) {
    const refused = ConfigError.is(err);
    stderr.write(`slipstream sidecar: ${refused ? '' : 'failed to start: '}${(err as Error).message}\n`);
    return refused ? SIDECAR_EXIT.usage : SIDECAR_EXIT.failed;
  }
  const logger = sidecar.logger;
  const signals = options.signals ?? process;
  (options.onReady ?? notifyParent)(sidecar);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onReload = (): void => {
      sidecar.reload().catch((err: unknown) => {
        logger.error('config reload refused; the config in force stays', { error: serializeError(err) });
      });
    };
    const onStop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn('second signal: exiting without waiting for the drain', { signal });
        resolve(SIDECAR_EXIT.failed);
        return;
      }
      stopping = true;
      logger.info('signal received: draining', { signal });
      sidecar.stop().then(
        () => {
          remove();
          resolve(SIDECAR_EXIT.ok);
        },
        (err: unknown) => {
          remove();
          logger.error('graceful stop failed', { error: serializeError(err) });
          resolve(SIDECAR_EXIT.failed);
        },
      );
    };
    const remove = (): void => {
      signals.off('SIGHUP', onReload);
      signals.off('SIGTERM', onStop);
      signals.off('SIGINT', onStop);
    };
    signals.on('SIGHUP', onReload);
    signals.on('SIGTERM', onStop);
    signals.on('SIGINT', onStop);
  });
}

/** The value of `--config FILE` or `--config=FILE`; undefined when absent or when other arguments are given. */
function configArgument(argv: readonly string[]): string | undefined {
  if (argv.length === 1 && argv[0]!.startsWith('--config='))
    return argv[0]!.slice('--config='.length) || undefined;
  if (argv.length === 2 && argv[0] === '--config') return argv[1];
  return undefined;
}

function notifyParent(sidecar: RunningSidecar): void {
  const message: SidecarReadyMessage = {
    type: 'sidecar.ready',
    proxyUrl: sidecar.proxyUrl,
    adminUrl: sidecar.adminUrl,
  };
  process.send?.(message);
}
