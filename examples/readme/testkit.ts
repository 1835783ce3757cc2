// examples/readme/testkit.ts
import { BEHAVIOUR_HEADER, spawnUpstream, startUpstream } from '@slipstream/testkit';

async function main(): Promise<void> {
  const up = await startUpstream({ seed: 1, keepAliveTimeoutMs: 5_000 });
  up.setBehaviour({ latencyMs: { distribution: 'exponential', mean: 20 } }); // the default behaviour
  up.setBehaviour([
    { match: { pathPrefix: '/flaky' }, behaviour: { errorRate: 0.1, errorStatus: 503 } },
    {
      match: { pathPrefix: '/slow' },
      behaviour: { slowBody: { chunkBytes: 64, intervalMs: 10 }, bodySize: 1_024 },
    },
    { match: { method: 'GET', path: '/busy' }, behaviour: { status: 429, retryAfter: 2 } },
    { match: { path: '/rpc' }, behaviour: { rpc: { omitIds: [3], duplicateIds: [4] } } },
  ]);
  const busy = await fetch(`${up.url}/busy`);
  console.log(`${busy.status} retry-after ${busy.headers.get('retry-after')}`);
  // This request only: the connection is reset before the headers.
  await fetch(`${up.url}/x`, { headers: { [BEHAVIOUR_HEADER]: '{"reset":"beforeHeaders"}' } }).catch(
    () => undefined,
  );
  console.log(up.counters().requestsServed); // also connectionsAccepted, requestsByRoute, peakConcurrency, bytes...
  up.setHealthy(false); // GET /health → 503
  up.closeIdleConnections(); // stale keep-alive sockets
  await up.stop(); // stops listening; restart() listens again on the same port
  await up.restart();
  await up.close();

  const proc = await spawnUpstream({ seed: 1 }); // the same API, all async, in a child process (benchmarks)
  await proc.setBehaviour({ latencyMs: 5 });
  console.log((await proc.counters()).requestsServed);
  await proc.kill('SIGKILL');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
