import { createLogger } from '@slipstream/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { clusterCounter } from './test/clusterCounter';
import { send } from './test/httpExchange';

/** A server that answers every request after `latencyMs`, counting those it received and those whose client went away first. */
async function upstreamAfter(latencyMs: number): Promise<{
  server: Server;
  origin: string;
  received: () => number;
  cut: () => number;
}> {
  let received = 0;
  let cut = 0;
  const server = createServer((req, res) => {
    received += 1;
    req.resume();
    const timer = setTimeout(() => res.end(`answered after ${latencyMs} ms`), latencyMs);
    res.on('close', () => {
      if (!res.writableFinished) {
        cut += 1;
        clearTimeout(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    cut: () => cut,
  };
}

/**
 * Hedging of proxied requests: the sidecar streams every request through the pipeline's
 * `stream()`, which hedges an idempotent one under the route's `policy.hedge` like `request()`:
 * the first headers win, the slow attempt is cut upstream.
 */
describe('the sidecar hedges idempotent requests under the route policy', () => {
  let slow: Awaited<ReturnType<typeof upstreamAfter>>;
  let fast: Awaited<ReturnType<typeof upstreamAfter>>;
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    slow = await upstreamAfter(2_000);
    fast = await upstreamAfter(0);
    sidecar = await startSidecar({
      logger: createLogger({ silent: true }),
      config: {
        network: {
          clusters: [
            {
              cluster: 'api',
              algorithm: 'round-robin',
              endpoints: [{ origin: slow.origin }, { origin: fast.origin }],
            },
          ],
          routes: [
            { id: 'hedged', match: { path: '/hedged/' }, cluster: 'api', policy: { hedge: { delayMs: 50 } } },
            { id: 'plain', match: { path: '/plain/' }, cluster: 'api' },
          ],
        },
        sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
      },
    });
  });

  afterAll(async () => {
    await sidecar.stop();
    for (const u of [slow, fast]) {
      u.server.closeAllConnections();
      await new Promise<void>((resolve) => u.server.close(() => resolve()));
    }
  });

  const hedges = (): Promise<number> => clusterCounter(sidecar.adminUrl!, 'slipstream_hedges_total', 'api');

  it('a GET whose primary goes to the slow endpoint is answered by the hedge; the slow attempt is cut upstream', async () => {
    const before = await hedges();
    // Round-robin: of four GETs in turn, two primaries go to the slow endpoint.
    for (let i = 0; i < 4; i++) {
      const started = performance.now();
      const res = await send(sidecar.proxyUrl, { path: `/hedged/${i}` });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('answered after 0 ms');
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    expect((await hedges()) - before).toBe(2);
    expect(slow.received()).toBe(2);
    for (let i = 0; i < 100 && slow.cut() < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slow.cut()).toBe(2);
  });

  it('a route without policy.hedge waits for the slow endpoint', async () => {
    const before = await hedges();
    const answers: string[] = [];
    for (let i = 0; i < 2; i++)
      answers.push((await send(sidecar.proxyUrl, { path: `/plain/${i}` })).body.toString());
    expect(answers.sort()).toEqual(['answered after 0 ms', 'answered after 2000 ms']);
    expect((await hedges()) - before).toBe(0);
  });

  it('a POST is never hedged (its body streams through once)', async () => {
    const before = await hedges();
    const received = slow.received() + fast.received();
    const answers: number[] = [];
    for (let i = 0; i < 2; i++)
      answers.push(
        (await send(sidecar.proxyUrl, { method: 'POST', path: `/hedged/post/${i}`, body: 'x' })).status,
      );
    expect(answers).toEqual([200, 200]);
    expect(slow.received() + fast.received() - received).toBe(2);
    expect((await hedges()) - before).toBe(0);
  });
});
