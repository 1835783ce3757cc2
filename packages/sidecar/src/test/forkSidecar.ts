import { forkTsProcess } from '@slipstream/testkit';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SidecarReadyMessage } from '../runSidecar';

/** A sidecar process forked from `src/bin/sidecar.ts`. */
export interface ForkedSidecar {
  readonly child: ChildProcess;
  readonly proxyUrl: string;
  readonly adminUrl: string | undefined;
  /** Resolves with the exit code once the process exited. */
  readonly exitCode: Promise<number | null>;
}

/** Forks `slipstream sidecar --config file` (the package's runnable entry) and waits for its ready message. */
export async function forkSidecar(configFile: string): Promise<ForkedSidecar> {
  const { child, ready } = await forkTsProcess(join(__dirname, '..', 'bin', 'sidecar.ts'), {
    args: ['--config', configFile],
    label: 'sidecar',
    readyMessage: (message) => {
      const m = message as Partial<SidecarReadyMessage>;
      return m.type === 'sidecar.ready' ? (m as SidecarReadyMessage) : undefined;
    },
  });
  const exitCode = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return { child, proxyUrl: ready.proxyUrl, adminUrl: ready.adminUrl, exitCode };
}
