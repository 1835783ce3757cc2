import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpProbe } from './httpProbe';

describe('httpProbe', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/health' ? 200 : 503;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when the path answers 2xx, resolves true', async () => {
    await expect(httpProbe(origin, '/health', AbortSignal.timeout(10_000))).resolves.toBe(true);
  });

  it('when the path answers 503, resolves false', async () => {
    await expect(httpProbe(origin, '/down', AbortSignal.timeout(10_000))).resolves.toBe(false);
  });
});
