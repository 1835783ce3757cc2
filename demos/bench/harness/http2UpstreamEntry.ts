// Entry of the bench's HTTP/2 upstream process (see spawnHttp2Upstream): argv[2] holds its options as JSON.
import { Http2Upstream, type Http2UpstreamOptions } from '@slipstream/testkit';

async function main(): Promise<void> {
  const upstream = await new Http2Upstream(
    JSON.parse(process.argv[2] ?? '{}') as Http2UpstreamOptions,
  ).start();
  const shutdown = (): void => {
    void upstream.close().then(() => process.exit(0));
  };
  // The IPC channel closes when the parent exits, even on SIGKILL: no orphans.
  process.once('disconnect', shutdown);
  process.once('SIGTERM', shutdown);
  process.send?.({ type: 'ready', origin: upstream.origin });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
