import { createLogger } from '@slipstream/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { clusterCounter } from './test/clusterCounter';
import { send } from './test/httpExchange';

/**
 * Retries of proxied requests: the sidecar streams every request through the pipeline's
 * `stream()`, which retries an idempotent one under the route's policy like `request()` does.
 * The upstream answers the first request of each path with the status the path names
 * (`/<route>/<status>/<n>`), every later one with 200.
 */
describe('the sidecar retries failed idempotent requests under the route policy', () => {
  let upstream: Server;
  const hits = new Map<string, number>();
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const path = req.url ?? '/';
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      const status = n === 1 ? Number(path.split('/')[2]) : 200;
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${n}`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    sidecar = await startSidecar({
      logger: createLogger({ silent: true }),
      config: {
        network: {
          clusters: [{ cluster: 'flaky', endpoints: [{ origin }] }],
          routes: [
            { id: 'plain', match: { path: '/plain/' }, cluster: 'flaky' },
            { id: 'on500', match: { path: '/on500/' }, cluster: 'flaky', policy: { retryOn: [500] } },
            { id: 'none', match: { path: '/none/' }, cluster: 'flaky', policy: { retries: 0 } },
          ],
          // One failure in a handful must not open the circuit of the only endpoint.
          breaker: { volumeThreshold: 100 },
        },
        sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
      },
    });
  });

  afterAll(async () => {
    await sidecar.stop();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const retries = (): Promise<number> =>
    clusterCounter(sidecar.adminUrl!, 'slipstream_retries_total', 'flaky');

  it('retries a GET answered 503 and returns the retry’s 200; slipstream_retries_total counts it', async () => {
    const before = await retries();
    const res = await send(sidecar.proxyUrl, { path: '/plain/503/a' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('answer 2');
    expect(hits.get('/plain/503/a')).toBe(2);
    expect((await retries()) - before).toBe(1);
  });

  it('retries a GET answered 502 (a reset or gateway failure upstream) the same way', async () => {
    const res = await send(sidecar.proxyUrl, { path: '/plain/502/a' });
    expect(res.status).toBe(200);
    expect(hits.get('/plain/502/a')).toBe(2);
  });

  it('does not retry a 500 by default (a deterministic server error): the caller gets it', async () => {
    const before = await retries();
    const res = await send(sidecar.proxyUrl, { path: '/plain/500/a' });
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe('answer 1');
    expect(hits.get('/plain/500/a')).toBe(1);
    expect((await retries()) - before).toBe(0);
  });

  it('retries a 500 on a route whose policy lists it in retryOn', async () => {
    const before = await retries();
    const res = await send(sidecar.proxyUrl, { path: '/on500/500/a' });
    expect(res.status).toBe(200);
    expect(hits.get('/on500/500/a')).toBe(2);
    expect((await retries()) - before).toBe(1);
  });

  it('does not retry a POST (not idempotent, its body streamed through once)', async () => {
    const res = await send(sidecar.proxyUrl, { method: 'POST', path: '/plain/503/b', body: 'x' });
    expect(res.status).toBe(503);
    expect(hits.get('/plain/503/b')).toBe(1);
  });

  it('does not retry on a route whose policy says retries: 0', async () => {
    const res = await send(sidecar.proxyUrl, { path: '/none/503/a' });
    expect(res.status).toBe(503);
    expect(hits.get('/none/503/a')).toBe(1);
  });
});
