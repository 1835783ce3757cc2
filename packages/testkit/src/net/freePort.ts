import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback TCP port that was free a moment ago: bound on 127.0.0.1 port 0, then released.
 * Nothing listens on it when the promise resolves (also the way to get a port that refuses).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
