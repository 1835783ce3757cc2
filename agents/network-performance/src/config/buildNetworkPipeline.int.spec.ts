import { ConfigError } from '@slipstream/contracts';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildNetworkPipeline } from './buildNetworkPipeline';

describe(buildNetworkPipeline, () => {
  it('builds the pipeline without connecting: an upstream with a 1 ms health check sees no connection', async () => {
    let connections = 0;
    const upstream = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    try {
      await buildNetworkPipeline({
        clusters: [{ cluster: 'api', endpoints: [{ origin }], healthCheck: { path: '/', intervalMs: 1 } }],
      });
      await sleep(50); // time for probes that a leftover health check would send
      expect(connections).toBe(0);
    } finally {
      upstream.close();
    }
  });

  it('throws what building throws, under network.', async () => {
    const built = buildNetworkPipeline({
      clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:9' }] }],
      routes: [{ id: 'r', match: { path: '/' }, cluster: 'api', policy: { qosClass: 'gold' } }],
    });
    await expect(built).rejects.toBeInstanceOf(ConfigError);
    await expect(built).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'network.routes[0].policy.qosClass' })],
    });
  });
});
