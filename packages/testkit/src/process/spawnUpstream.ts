import { ConfigError } from '@slipstream/contracts';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UpstreamProcessError } from '../errors/UpstreamProcessError';
import { resolveUpstreamOptions, type UpstreamOptions } from '../server/UpstreamOptions';
import type { ProcessMessage } from './ProcessMessage';
import { SpawnedUpstream, type SpawnedUpstreamAddress } from './SpawnedUpstream';

/** Options of `spawnUpstream`: the upstream's options plus the process's. */
export interface SpawnUpstreamOptions extends UpstreamOptions {
  /** How long the child may take to report ready, ms. Defaults to 30_000 ms. */
  startTimeoutMs?: number;
}

/** The defaults of the process-only options of `SpawnUpstreamOptions`. */
export const SPAWN_DEFAULTS = Object.freeze({ startTimeoutMs: 30_000 });

const ENTRY = join(__dirname, 'upstreamProcessEntry.ts');

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every live child when this process exits, so none is orphaned. */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function whenReady(child: ChildProcess, timeoutMs: number): Promise<SpawnedUpstreamAddress> {
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new UpstreamProcessError(message));
    };
    const onMessage = (message: ProcessMessage): void => {
      if (message.type === 'failed') return fail(`upstream process failed to start: ${message.message}`);
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(`upstream process exited before it was ready (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => fail(`upstream process not ready within ${timeoutMs} ms`), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Forks a child process (through tsx) that runs an upstream with `options` and an admin API
 * on a second port, and resolves once both listen. The child dies with its parent.
 */
export async function spawnUpstream(options: SpawnUpstreamOptions = {}): Promise<SpawnedUpstream> {
  const { startTimeoutMs = SPAWN_DEFAULTS.startTimeoutMs, ...upstreamOptions } = options;
  if (!Number.isInteger(startTimeoutMs) || startTimeoutMs <= 0) {
    throw new ConfigError([
      { path: 'startTimeoutMs', expected: 'a positive integer (ms)', received: String(startTimeoutMs) },
    ]);
  }
  // Validated here so a bad option fails fast with a ConfigError; the seed is fixed here too.
  const resolved = resolveUpstreamOptions(upstreamOptions);
  const child = fork(ENTRY, [JSON.stringify(resolved)], {
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await whenReady(child, startTimeoutMs);
  return new SpawnedUpstream(child, exited, address);
}
