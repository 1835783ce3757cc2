import { ConfigError } from '@slipstream/contracts';
import { fork, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProcessStartError } from '../errors/ProcessStartError';

/** Options of {@link forkTsProcess}. */
export interface ForkTsProcessOptions<R> {
  /** Arguments passed after the entry (`process.argv[2…]` in the child). Defaults to none. */
  args?: readonly string[];
  /** The child's environment. Defaults to the parent's (`process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Reads each IPC message of the child until it is ready: returns the ready value, `undefined`
   * to keep waiting, or throws to fail the start (the thrown error becomes the cause). Required.
   */
  readyMessage: (message: unknown) => R | undefined;
  /** How long the child may take to be ready, ms. Defaults to 30_000 ms. */
  timeoutMs?: number;
  /** Names the process in errors. Defaults to the entry's file name. */
  label?: string;
}

/** A forked child that reported ready. */
export interface ForkedTsProcess<R> {
  /** The child process (IPC channel open; stdout and stderr inherited). */
  readonly child: ChildProcess;
  /** Resolves when the child exits. */
  readonly exited: Promise<void>;
  /** What `readyMessage` returned for the child's ready message. */
  readonly ready: R;
}

/** The defaults of {@link ForkTsProcessOptions}. */
export const FORK_DEFAULTS = Object.freeze({ timeoutMs: 30_000 });

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every live child when this process exits, however it exits, so none is orphaned. */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/**
 * Forks a TypeScript entry through tsx (`execArgv: ['--import', tsx]`) with an IPC channel and
 * resolves once `readyMessage` accepts one of its messages. The child is SIGKILLed when this
 * process exits. Rejects with `ProcessStartError` (and kills the child) when `readyMessage`
 * throws, when the child exits first, or after `timeoutMs`; with `ConfigError` for a bad
 * `timeoutMs`, before forking.
 */
export async function forkTsProcess<R>(
  entry: string,
  options: ForkTsProcessOptions<R>,
): Promise<ForkedTsProcess<R>> {
  const timeoutMs = options.timeoutMs ?? FORK_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError([
      { path: 'timeoutMs', expected: 'a positive integer (ms)', received: String(timeoutMs) },
    ]);
  }
  const label = options.label ?? basename(entry);
  const child = fork(entry, [...(options.args ?? [])], {
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    env: options.env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<R>((resolve, reject) => {
    const fail = (message: string, cause?: unknown): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new ProcessStartError(`${label}: ${message}`, { cause }));
    };
    const onMessage = (message: unknown): void => {
      let value: R | undefined;
      try {
        value = options.readyMessage(message);
      } catch (err) {
        return fail(`failed to start: ${err instanceof Error ? err.message : String(err)}`, err);
      }
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  return { child, exited, ready };
}
