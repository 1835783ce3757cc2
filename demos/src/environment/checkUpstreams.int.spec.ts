import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPlainUpstream, type PlainUpstream } from '../../test/plainUpstream';
import { checkUpstreams } from './checkUpstreams';

/** A service that answers 200 on `/` only and 404 elsewhere, with no JSON-RPC endpoint. */
async function rootOnly(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/' ? 200 : 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe(checkUpstreams, () => {
  let plain: PlainUpstream;
  let root: { origin: string; server: Server };

  beforeAll(async () => {
    plain = await startPlainUpstream();
    root = await rootOnly();
  });

  afterAll(async () => {
    await plain.close();
    root.server.close();
  });

  it('finds nothing to say about a service that answers the scenarios’ paths and echo', async () => {
    expect(await checkUpstreams([{ origin: plain.origin }])).toEqual([]);
    expect(plain.rpcCalls).toBeGreaterThan(0);
  });

  it('names `path` and `rpcPath` for a service that answers 404 except on / and has no echo', async () => {
    const issues = await checkUpstreams([{ origin: plain.origin }, { origin: root.origin }]);
    expect(issues.map((i) => i.path)).toEqual(['upstreams[1].path', 'upstreams[1].rpcPath']);
    expect(issues[0]!.expected).toContain(`GET ${root.origin}/work to answer 2xx`);
    expect(issues[0]!.expected).toContain('set "path"');
    expect(issues[0]!.received).toBe('HTTP 404');
    expect(issues[1]!.expected).toContain('"echo" method');
  });

  it('accepts the service once `path` names what it answers, still asking for `rpcPath`', async () => {
    const issues = await checkUpstreams([{ origin: root.origin, path: '/' }]);
    expect(issues.map((i) => i.path)).toEqual(['upstreams[0].rpcPath']);
  });
});
