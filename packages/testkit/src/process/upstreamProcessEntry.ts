// Entry of a spawned upstream process (see spawnUpstream): argv[2] holds the UpstreamOptions as JSON.
import type { UpstreamOptions } from '../server/UpstreamOptions';
import { startUpstream } from '../startUpstream';
import { AdminServer } from './AdminServer';
import type { ProcessMessage } from './ProcessMessage';

const send = (message: ProcessMessage): void => {
  process.send?.(message);
};

async function main(): Promise<void> {
  const upstream = await startUpstream(JSON.parse(process.argv[2] ?? '{}') as UpstreamOptions);
  const admin = new AdminServer(upstream);
  const adminPort = await admin.listen();
  const shutdown = (): void => {
    void Promise.allSettled([upstream.close(), admin.close()]).then(() => process.exit(0));
  };
  // The IPC channel closes when the parent exits, even on SIGKILL: no orphans.
  process.once('disconnect', shutdown);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  send({ type: 'ready', port: upstream.port, adminPort, seed: upstream.seed });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
