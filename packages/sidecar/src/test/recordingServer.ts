import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A plain HTTP server on 127.0.0.1 that answers every request with its method, URL and headers as JSON, and counts them. */
export interface RecordingServer {
  readonly origin: string;
  /** Requests received. */
  readonly seen: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Starts a `RecordingServer` on port 0. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const seen: RecordingServer['seen'] = [];
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(entry);
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify(entry);
      res.writeHead(200, {
        'content-type': 'application/json',
        'keep-alive': 'timeout=17',
        'x-upstream': 'recording',
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
