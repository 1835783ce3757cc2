import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PrivateNatsServer } from '../../transport-nats/test/natsTestUtils';
import type { SidecarConfigInput } from './config/SidecarConfig';
import { forkSidecar } from './test/forkSidecar';

/** The sidecar's and the orchestrator's drain timeout in this test. */
const DRAIN_TIMEOUT_MS = 2_000;
/** What the process may take beyond it (start of a child's exit, a loaded machine): a bound on the wait. */
const MARGIN_MS = 8_000;

describe('slipstream sidecar on NATS (a child process)', () => {
  let server: PrivateNatsServer;
  let dir: string;

  beforeAll(async () => {
    server = await PrivateNatsServer.start();
    dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-nats-'));
  });

  afterAll(async () => {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the NATS server is gone, SIGTERM still ends it: exit 0 within drainTimeoutMs and a margin (it used to hang after "sidecar drained")', async () => {
    const config: SidecarConfigInput = {
      log: { level: 'error', format: 'json' },
      nodeId: 'shutdown-node',
      bus: {
        transport: 'nats',
        servers: [`nats://${server.url}`],
        name: 'shutdown-node',
        durableTopics: ['sidecar.shutdown.task'],
        reconnectTimeWaitMs: 100,
      },
      orchestrator: { drainTimeoutMs: DRAIN_TIMEOUT_MS },
      network: { clusters: [{ cluster: 'a', endpoints: [{ origin: 'http://127.0.0.1:9' }] }] },
      sidecar: { listen: { port: 0 }, admin: { enabled: false }, watch: false },
      fleet: { bucket: 'sidecar_shutdown' },
    };
    const file = join(dir, 'sidecar.yaml');
    writeFileSync(file, stringify(config));
    const sidecar = await forkSidecar(file);
    try {
      await server.stop();
      sidecar.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'still running'>((resolve) => {
        timer = setTimeout(() => resolve('still running'), DRAIN_TIMEOUT_MS + MARGIN_MS);
      });
      const outcome = await Promise.race([sidecar.exitCode, bound]);
      clearTimeout(timer);
      expect(outcome).toBe(0);
    } finally {
      if (sidecar.child.exitCode === null) sidecar.child.kill('SIGKILL');
    }
  }, 60_000);
});
