import { BrokenCircuitError, type EventBus } from '@slipstream/contracts';
import { MetricsRegistry } from '@slipstream/monitor';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { fetch, request } from 'undici';
import { recordingBus } from '../test/recordingBus';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';
import type { NetworkClientOptions } from './NetworkClientOptions';

const PATH = '/work';

/** Requests `/work` served by each upstream. */
function served(ups: readonly Upstream[]): number[] {
  return ups.map((u) => u.counters().requestsByRoute[PATH] ?? 0);
}

/** Runs `total` requests with `concurrency` workers; returns how many failed. */
async function load(
  client: NetworkClient,
  total: number,
  concurrency: number,
  method = 'GET',
): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      await client.request({ method, path: PATH, cluster: 'api' }).then(
        (res) => {
          if (res.statusCode >= 500) failed++;
        },
        () => failed++,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

function options(ups: readonly Upstream[], extra: Partial<NetworkClientOptions> = {}): NetworkClientOptions {
  return {
    clusters: [
      {
        cluster: 'api',
        endpoints: ups.map((u) => ({ origin: u.origin })),
        healthCheck: { intervalMs: 60_000 },
      },
    ],
    ...extra,
  };
}

describe('NetworkClient', () => {
  let ups: Upstream[];
  let client: NetworkClient | undefined;

  beforeAll(async () => {
    ups = await startUpstreams(5, { seed: 7 });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    for (const u of ups) {
      await u.restart().catch(() => undefined);
      u.setBehaviour({});
      u.resetCounters();
    }
  });
  afterAll(async () => {
    await Promise.all(ups.map((u) => u.close()));
  });

  describe('.request()', () => {
    it('when the cluster is healthy, answers through the pool and counts per endpoint', async () => {
      client = createNetworkClient(options(ups));
      const res = await client.request({ path: PATH, cluster: 'api' });
      expect(res.statusCode).toBe(200);
      expect(served(ups).reduce((a, b) => a + b, 0)).toBe(1);
    });
  });
});

void BrokenCircuitError;
void MetricsRegistry;
void fetch;
void request;
void recordingBus;
export type { EventBus };
