import { jsonOf, rawRequest } from '../test/httpRequest';
import { startUpstreams } from './startUpstream';

describe(startUpstreams, () => {
  describe('when asked for a cluster', () => {
    it('starts n upstreams on distinct ports, each named by its index', async () => {
      const ups = await startUpstreams(3, { name: 'node', seed: 5 });
      try {
        const names = await Promise.all(
          ups.map(async (u) => jsonOf<{ upstream: string }>(await rawRequest(u.url)).upstream),
        );

        expect(new Set(ups.map((u) => u.port)).size).toBe(3);
        expect(names).toEqual(['node-0', 'node-1', 'node-2']);
        expect(ups.map((u) => u.seed)).toEqual([5, 6, 7]);
      } finally {
        await Promise.all(ups.map((u) => u.close()));
      }
    });
  });

  describe('when an option is invalid', () => {
    it('rejects and leaves nothing listening', async () => {
      await expect(startUpstreams(2, { keepAliveTimeoutMs: -1 })).rejects.toMatchObject({
        code: 'SLIP_ERR_CONFIG',
      });
    });
  });
});
