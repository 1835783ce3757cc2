import { createServer, type IncomingHttpHeaders } from 'node:http';

/** What a plain server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain node:http server (no testkit) on 127.0.0.1 that records every request and answers with `answer`. */
export interface RecordingServer {
  readonly origin: string;
  readonly seen: SeenRequest[];
  /** Connections it accepted. */
  connections(): number;
  close(): Promise<void>;
}

/** The answer of a recording server: status, headers, body. */
export type RecordingAnswer = (req: SeenRequest) => {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
};

/** Starts a recording server on a free port of 127.0.0.1. */
export async function startRecordingServer(answer: RecordingAnswer): Promise<RecordingServer> {
  const seen: SeenRequest[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const { status, headers, body } = answer(request);
      res.writeHead(status, headers).end(body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
