import { MalformedResponseError } from '@slipstream/contracts';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { PoolManager } from './PoolManager';

/**
 * What the raw upstream writes for each path, byte for byte, after reading a request head (an
 * array: pieces written 20 ms apart).
 */
const REPLIES: Readonly<Record<string, string | readonly string[]>> = {
  '/early-hints':
    'HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n' +
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  '/continue': 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  '/early-hints-split': [
    'HTTP/1.1 10',
    '3 Early Hints\r\nLink: </a.css>\r\n',
    '\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 2',
    '00 OK\r\nContent-Length: 4\r\n\r\nd',
    'one',
  ],
  '/switching': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nRAW',
  '/not-modified': 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 123\r\n\r\n',
  '/no-content': 'HTTP/1.1 204 No Content\r\n\r\n',
  '/no-content-with-body': 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello',
};

/**
 * An upstream on a raw socket, to send what `node:http` would refuse to: interim responses
 * before the final one, a 304 with the `content-length` its 200 would have. Keeps connections
 * open; counts the requests it read.
 */
async function startRawUpstream(): Promise<{
  origin: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const serve = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const path = buffered.slice(0, buffered.indexOf('\r\n')).split(' ')[1]!;
        buffered = buffered.slice(end + 4);
        requests++;
        const reply = REPLIES[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
        if (typeof reply === 'string') socket.write(reply);
        else reply.forEach((piece, i) => setTimeout(() => socket.write(piece), 20 * i));
      }
    });
  };
  const server: Server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('PoolManager with responses that have no body or come after interim ones', () => {
  let up: Awaited<ReturnType<typeof startRawUpstream>>;
  let pm: PoolManager;

  beforeAll(async () => {
    up = await startRawUpstream();
  });

  afterAll(async () => {
    await up.close();
  });

  beforeEach(() => {
    pm = new PoolManager({ connections: 1 });
  });

  afterEach(async () => {
    await pm.destroy();
  });

  const get = (path: string) => ({ origin: up.origin, path, method: 'GET' });

  describe('.request()', () => {
    it('skips a 103 Early Hints and resolves with the final 200 and its body', async () => {
      const res = await pm.request(get('/early-hints'));
      expect(res.statusCode).toBe(200);
      expect(res.body.toString()).toBe('ok');
      expect(res.headers.link).toBeUndefined();
    });

    it('skips 103s split across reads, keeping the connection for the next requests', async () => {
      const before = up.requests();
      for (const path of ['/early-hints-split', '/early-hints', '/early-hints-split']) {
        const res = await pm.request(get(path));
        expect(res.statusCode).toBe(200);
        expect(res.body.toString()).toBe(path === '/early-hints-split' ? 'done' : 'ok');
      }
      expect(up.requests() - before).toBe(3);
      expect(pm.stats(up.origin)[0]!.connectionsCreated).toBe(1);
    });

    // undici 7's HTTP/1.1 client destroys the connection on a 100 Continue it did not ask for
    // (client-h1.js `onHeadersComplete`), though RFC 9110 §15.2 has a client parse it: the pool
    // reports a malformed response once instead of replaying it as a lost connection.
    it('fails an unsolicited 100 Continue once, as a malformed response, without replaying it', async () => {
      const before = up.requests();
      const err = await pm.request(get('/continue')).catch((e: unknown) => e);
      expect(MalformedResponseError.is(err)).toBe(true);
      expect(err).toMatchObject({ retryable: false });
      expect(up.requests() - before).toBe(1);
    });

    it('fails an upgrade (101) it did not ask for once, as a malformed response, without replaying it', async () => {
      const before = up.requests();
      const err = await pm.request(get('/switching')).catch((e: unknown) => e);
      expect(MalformedResponseError.is(err)).toBe(true);
      expect(err).toMatchObject({ retryable: false });
      expect(up.requests() - before).toBe(1);
    });

    it('resolves a 304 carrying the content-length of its 200 with an empty body', async () => {
      const res = await pm.request(get('/not-modified'));
      expect(res.statusCode).toBe(304);
      expect(res.headers['content-length']).toBe('123');
      expect(res.body.length).toBe(0);
      // undici closed that connection; the pool goes on on a new one.
      expect((await pm.request(get('/no-content'))).statusCode).toBe(204);
    });

    it('resolves a 204 with an empty body', async () => {
      const res = await pm.request(get('/no-content'));
      expect(res.statusCode).toBe(204);
      expect(res.body.length).toBe(0);
    });

    it('rejects a 204 that carries body bytes as a malformed response', async () => {
      await expect(pm.request(get('/no-content-with-body'))).rejects.toBeInstanceOf(MalformedResponseError);
    });
  });

  describe('.stream()', () => {
    it('skips a 103 Early Hints and resolves with the final 200 and its body', async () => {
      const res = await pm.stream(get('/early-hints'), { decode: false });
      expect(res.statusCode).toBe(200);
      expect(res.headers.link).toBeUndefined();
      expect(await text(res.body)).toBe('ok');
      await expect(res.ended).resolves.toBeUndefined();
    });

    it('skips 103s split across reads', async () => {
      const res = await pm.stream(get('/early-hints-split'), { decode: false });
      expect(res.statusCode).toBe(200);
      expect(await text(res.body)).toBe('done');
      await expect(res.ended).resolves.toBeUndefined();
    });

    it('resolves a 304 carrying the content-length of its 200 with an empty body that ends cleanly', async () => {
      const res = await pm.stream(get('/not-modified'), { decode: false });
      expect(res.statusCode).toBe(304);
      expect(res.headers['content-length']).toBe('123');
      await expect(res.ended).resolves.toBeUndefined();
      expect(await text(res.body)).toBe('');
      expect(res.bytesInWire).toBe(0);
    });

    it('resolves a 204 with an empty body that ends cleanly', async () => {
      const res = await pm.stream(get('/no-content'), { decode: false });
      expect(res.statusCode).toBe(204);
      await expect(res.ended).resolves.toBeUndefined();
    });

    it('rejects a 204 that carries body bytes as a malformed response, not a body broken off after its status', async () => {
      await expect(pm.stream(get('/no-content-with-body'), { decode: false })).rejects.toBeInstanceOf(
        MalformedResponseError,
      );
    });
  });
});
