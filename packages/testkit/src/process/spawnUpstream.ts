import { ConfigError } from '@slipstream/contracts';
import { join } from 'node:path';
import { resolveUpstreamOptions, type UpstreamOptions } from '../server/UpstreamOptions';
import { forkTsProcess } from './forkTsProcess';
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

/** The address in a ready message; throws the failure a `failed` message reports. */
function readyAddress(message: unknown): SpawnedUpstreamAddress | undefined {
  const m = message as ProcessMessage;
  if (m.type === 'failed') throw new Error(m.message);
  return m.type === 'ready' ? { port: m.port, adminPort: m.adminPort, seed: m.seed } : undefined;
}

/**
 * Forks a child process (through tsx) that runs an upstream with `options` and an admin API
 * on a second port, and resolves once both listen. The child dies with its parent. Rejects
 * with `ConfigError` for bad options (before forking), `ProcessStartError` when the child fails
 * to start.
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
  const { child, exited, ready } = await forkTsProcess(ENTRY, {
    args: [JSON.stringify(resolved)],
    readyMessage: readyAddress,
    timeoutMs: startTimeoutMs,
    label: 'upstream process',
  });
  return new SpawnedUpstream(child, exited, ready, resolved.tls !== undefined);
}
