import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { forkTsProcess } from '@slipstream/testkit';

import { SETTINGS_ENV, type MultiprocessSettings } from '../nodes/MultiprocessSettings';
import type { NodeReadyMessage } from '../nodes/runNode';

/** The node scripts the driver can start. */
export type NodeRole = 'sidecar' | 'sarah' | 'optimizer';

/** The node id in a node's ready message. */
function readyNode(message: unknown): string | undefined {
  const m = message as Partial<NodeReadyMessage>;
  return m.type === 'ready' ? m.node : undefined;
}

/**
 * One node of the demo in its own process, forked with testkit's `forkTsProcess` (tsx, IPC for
 * the ready message; SIGKILLed if the driver exits). The node also stops when the IPC channel
 * closes, so it dies with the driver.
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

  /**
   * Forks the node script of `role` and resolves once its agents run. Rejects with testkit's
   * `ProcessStartError` when the node exits first or is not ready within `startTimeoutMs`.
   */
  static async start(
    role: NodeRole,
    settings: MultiprocessSettings,
    startTimeoutMs: number,
  ): Promise<NodeProcess> {
    const { child, ready } = await forkTsProcess(join(__dirname, '..', 'nodes', `${role}Node.ts`), {
      env: {
        ...process.env,
        [SETTINGS_ENV]: JSON.stringify(settings),
        SLIPSTREAM_LOG_LEVEL: process.env.SLIPSTREAM_LOG_LEVEL ?? 'warn',
      },
      readyMessage: readyNode,
      timeoutMs: startTimeoutMs,
      label: `${role} node`,
    });
    return new NodeProcess(role, child, ready);
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
