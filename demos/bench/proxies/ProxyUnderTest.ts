import type { ChildProcess } from 'node:child_process';
import { forkTsProcess } from '@slipstream/testkit';
import type { SidecarConfigInput, SidecarReadyMessage } from '@slipstream/sidecar';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MinimalProxyReady } from './minimalProxy';

/** One way of reaching the upstream in the `sidecar` suite: its URL and the process whose CPU is its cost. */
export interface ProxyUnderTest {
  url: string;
  /** The proxy's process (its direct children counted with it); undefined for the direct row. */
  pid: number | undefined;
  close(): Promise<void>;
}

/** The upstream itself, no proxy. */
export function direct(origin: string): ProxyUnderTest {
  return { url: origin, pid: undefined, close: () => Promise.resolve() };
}

/** The minimal `node:http` + undici keep-alive proxy (`minimalProxy.ts`) in its own process. */
export async function minimalNodeProxy(origin: string): Promise<ProxyUnderTest> {
  const { child, ready } = await forkTsProcess(join(__dirname, 'minimalProxy.ts'), {
    env: { ...process.env, UPSTREAM: origin },
    label: 'minimal proxy',
    readyMessage: (m) =>
      (m as Partial<MinimalProxyReady>).type === 'proxy.ready' ? (m as MinimalProxyReady) : undefined,
  });
  return { url: ready.url, pid: child.pid, close: () => stopChild(child) };
}

/** `slipstream sidecar --config FILE` in its own process, one route to the upstream's cluster. */
export async function sidecarProcess(origin: string): Promise<ProxyUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'slip-bench-sidecar-'));
  const file = join(dir, 'sidecar.json');
  const config: SidecarConfigInput = {
    log: { level: 'warn', format: 'json' },
    network: {
      clusters: [{ cluster: 'bench', endpoints: [{ origin }] }],
      routes: [{ id: 'all', match: { path: '/' }, cluster: 'bench' }],
      pool: { connections: 64 },
    },
    sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
  };
  writeFileSync(file, JSON.stringify(config));
  const entry = join(dirname(require.resolve('@slipstream/sidecar')), 'bin', 'sidecar.ts');
  const { child, ready } = await forkTsProcess(entry, {
    args: ['--config', file],
    label: 'sidecar',
    readyMessage: (m) =>
      (m as Partial<SidecarReadyMessage>).type === 'sidecar.ready' ? (m as SidecarReadyMessage) : undefined,
  });
  return {
    url: ready.proxyUrl,
    pid: child.pid,
    close: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}
