import { startUpstream, type Upstream } from '@slipstream/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { PoolManager } from './PoolManager';

/** Sends `total` GETs, `concurrency` at a time; resolves with the statuses (a failure rejects). */
async function load(
  pool: PoolManager,
  origin: string,
  total: number,
  concurrency: number,
): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      statuses.push((await pool.request({ origin, method: 'GET', path: '/' })).statusCode);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

describe('PoolManager connection lifetime limits', () => {
  let up: Upstream;
  let pool: PoolManager | undefined;

  beforeAll(async () => {
    up = await startUpstream();
  });

  afterEach(async () => {
    await pool?.destroy();
    pool = undefined;
    up.resetCounters();
  });

  afterAll(() => up.close());

  describe('maxRequestsPerConnection', () => {
    it('when 100, 1_000 requests open at least 10 connections and none fails', async () => {
      pool = new PoolManager({ connections: 4, origins: { [up.origin]: { maxRequestsPerConnection: 100 } } });
      const statuses = await load(pool, up.origin, 1_000, 8);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1_000);
      expect(up.counters().connectionsAccepted).toBeGreaterThanOrEqual(10);
      const [stats] = pool.stats();
      // Every connection but the (at most 4) still open was closed at its 100th request.
      expect(stats?.connectionsRetiredByRequests).toBeGreaterThanOrEqual(
        up.counters().connectionsAccepted - 4,
      );
      expect(stats?.connectionsCreated).toBe(up.counters().connectionsAccepted);
    });

    it('when unset (the default), the same load keeps to the pool’s 4 connections', async () => {
      pool = new PoolManager({ connections: 4 });
      await load(pool, up.origin, 1_000, 8);
      expect(up.counters().connectionsAccepted).toBeLessThanOrEqual(4);
      expect(pool.stats()[0]?.connectionsRetiredByRequests).toBe(0);
    });
  });

  describe('maxConnectionAgeMs', () => {
    it('retires a connection once it is older than the limit, after its request, and opens a new one', async () => {
      pool = new PoolManager({
        connections: 1,
        origins: { [up.origin]: { maxConnectionAgeMs: 50, maxConnectionAgeJitter: 0.5 } },
      });
      await load(pool, up.origin, 1, 1);
      // Bounded: at most 100 rounds of 20 ms; the assertion is about what happened, not when.
      for (let i = 0; i < 100 && (pool.stats()[0]?.connectionsRetiredByAge ?? 0) === 0; i++) {
        await sleep(20);
        await load(pool, up.origin, 1, 1);
      }
      const [stats] = pool.stats();
      expect(stats?.connectionsRetiredByAge).toBeGreaterThanOrEqual(1);
      expect(up.counters().connectionsAccepted).toBeGreaterThanOrEqual(2);
      expect(up.counters().requestsServed).toBe(stats?.requests);
    });

    it('spreads the expiry: each connection’s limit is shortened by up to the jitter share', async () => {
      const random = jest.spyOn(Math, 'random').mockReturnValue(1);
      try {
        // Jitter 1 with Math.random() = 1 shortens the 60 s limit to 0: the second request needs a new connection.
        pool = new PoolManager({
          connections: 1,
          origins: { [up.origin]: { maxConnectionAgeMs: 60_000, maxConnectionAgeJitter: 1 } },
        });
        await load(pool, up.origin, 1, 1);
        await sleep(5);
        await load(pool, up.origin, 1, 1);
        expect(up.counters().connectionsAccepted).toBe(2);
      } finally {
        random.mockRestore();
      }
    });
  });
});
