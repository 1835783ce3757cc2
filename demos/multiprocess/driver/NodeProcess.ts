import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { SlipstreamError } from '@slipstream/contracts';

import { SETTINGS_ENV, type MultiprocessSettings } from '../nodes/MultiprocessSettings';
import type { NodeReadyMessage } from '../nodes/runNode';

/** A node process did not report ready, or exited first. */
export class NodeProcessError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_NODE_PROCESS';
}

/** The node scripts the driver can start. */
export type NodeRole = 'sidecar' | 'sarah' | 'optimizer';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every live node when the driver exits, however it exits, so none is orphaned. */
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
 * One node of the demo in its own process, forked through tsx like testkit's `spawnUpstream`
 * (`execArgv: ['--import', tsx]`, IPC for the ready message). The node also stops when the IPC
 * channel closes, so it dies with the driver.
 */
export class NodeProcess {
  /** The node id it reported (`<role>-<pid>`). */
  readonly node: string;

  private constructor(
    readonly role: NodeRole,
    private readonly child: ChildProcess,
    node: string,
  ) {
    this.node = node;
  }

  /** Forks the node script of `role` and resolves once its agents run. */
  static async start(
    role: NodeRole,
    settings: MultiprocessSettings,
    startTimeoutMs: number,
  ): Promise<NodeProcess> {
    const child = fork(join(__dirname, '..', 'nodes', `${role}Node.ts`), [], {
      execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
      env: {
        ...process.env,
        [SETTINGS_ENV]: JSON.stringify(settings),
        SLIPSTREAM_LOG_LEVEL: process.env.SLIPSTREAM_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    track(child);
    const node = await new Promise<string>((resolve, reject) => {
      const fail = (message: string): void => {
        cleanup();
        child.kill('SIGKILL');
        reject(new NodeProcessError(`${role} node: ${message}`));
      };
      const onMessage = (message: NodeReadyMessage): void => {
        cleanup();
        resolve(message.node);
      };
      const onExit = (code: number | null, signal: string | null): void =>
        fail(`exited before it was ready (code ${code}, signal ${signal})`);
      const timer = setTimeout(() => fail(`not ready within ${startTimeoutMs} ms`), startTimeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return new NodeProcess(role, child, node);
  }

  /** Sends `signal` and resolves once the process exited; SIGKILL after `graceMs` if it lingers. */
  stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
}
