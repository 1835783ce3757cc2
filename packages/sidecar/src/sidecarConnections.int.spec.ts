import { createLogger } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { SidecarConfigInput } from './config/SidecarConfig';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { rawExchange, send } from './test/httpExchange';
import { startRecordingServer, type RecordingServer } from './test/recordingServer';

const logger = createLogger({ silent: true });

/** The statuses of the responses in `text`, in order. */
const statuses = (text: string): number[] =>
  [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

/** Connects to `url`'s port, writes `text`, and resolves with everything read until the server closes. */
function openExchange(url: string, text: string): { socket: Socket; read: Promise<string> } {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(text);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const read = new Promise<string>((resolve) =>
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1'))),
  );
  return { socket, read };
}

/**
 * What the sidecar owes a client connection: every request it received gets its response, in
 * order, whatever comes behind it on the connection (a CONNECT, a drain), and a request it cannot
 * serve is refused without anything reaching an upstream.
 */
describe('the sidecar and its client connections', () => {
  let slow: Upstream;
  let recorder: RecordingServer;
  let early: Server;
  let earlyOrigin: string;

  const config = (): SidecarConfigInput => ({
    network: {
      clusters: [
        { cluster: 'slow', endpoints: [{ origin: slow.origin }] },
        { cluster: 'rec', endpoints: [{ origin: recorder.origin }] },
        { cluster: 'early', endpoints: [{ origin: earlyOrigin }] },
      ],
      routes: [
        { id: 'slow', match: { path: '/slow/' }, cluster: 'slow' },
        { id: 'rec', match: { path: '/rec' }, cluster: 'rec' },
        { id: 'early', match: { path: '/early' }, cluster: 'early' },
        { id: 'users', match: { host: 'users.local', path: '/' }, cluster: 'rec' },
      ],
    },
    sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
  });

  beforeAll(async () => {
    slow = await startUpstream({ name: 'slow', behaviour: { latencyMs: 200 } });
    recorder = await startRecordingServer();
    // Answers 413 at once, without reading the request body.
    early = createServer((_req, res) => res.writeHead(413, { 'content-length': 0 }).end());
    await new Promise<void>((resolve) => early.listen(0, '127.0.0.1', resolve));
    earlyOrigin = `http://127.0.0.1:${(early.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    early.closeAllConnections();
    await new Promise((resolve) => early.close(resolve));
    await Promise.all([slow.close(), recorder.close()]);
  });

  describe('while serving', () => {
    let sidecar: RunningSidecar;
    let url: string;
    let host: string;

    beforeAll(async () => {
      sidecar = await startSidecar({ config: config(), logger });
      url = sidecar.proxyUrl;
      host = new URL(url).host;
    });
    afterAll(() => sidecar.stop());

    it('answers a CONNECT pipelined behind a request after that request, in order', async () => {
      const text = await rawExchange(
        url,
        `GET /slow/x HTTP/1.1\r\nHost: ${host}\r\n\r\nCONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n`,
      );
      expect(statuses(text)).toEqual([200, 405]);
      expect(text).toContain('allow: GET, HEAD, POST');
    });

    it('answers a request with upgrade (ignored) and closes the connection: nothing pipelined behind it would be read', async () => {
      const { socket, read } = openExchange(
        url,
        `GET /rec HTTP/1.1\r\nHost: ${host}\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n` +
          `GET /rec HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      );
      const timer = setTimeout(() => socket.destroy(), 3_000);
      const text = await read;
      clearTimeout(timer);
      expect(statuses(text)).toEqual([200]);
      expect(text.toLowerCase()).toContain('connection: close');
    });

    it.each([
      ['no route (404)', '/nowhere'],
      ["the sidecar's own stats endpoint", '/_slipstream/stats'],
    ])(
      'closes the connection after answering an upgrade request with %s, so nothing behind it waits',
      async (_name, path) => {
        const { socket, read } = openExchange(
          url,
          `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n` +
            `GET /rec HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
        );
        const timer = setTimeout(() => socket.destroy(), 3_000);
        const text = await read;
        clearTimeout(timer);
        expect(statuses(text)).toHaveLength(1);
        expect(text.toLowerCase()).toContain('connection: close');
      },
    );

    it('keeps the connection after the stats endpoint answers, for the requests pipelined behind it', async () => {
      const text = await rawExchange(
        url,
        `GET /_slipstream/stats HTTP/1.1\r\nHost: ${host}\r\n\r\n` +
          `GET /rec HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n\r\n`,
      );
      expect(statuses(text)).toEqual([200, 200]);
    });

    it('answers HEAD on the stats endpoint, and on the JSON-RPC endpoint refuses a declared body over the limit without inviting it', async () => {
      const head = await send(url, { method: 'HEAD', path: '/_slipstream/stats' });
      expect(head.status).toBe(200);
      const refused = await rawExchange(
        url,
        `POST /_slipstream/rpc/rec HTTP/1.1\r\nHost: ${host}\r\nexpect: 100-continue\r\n` +
          `content-length: 999999999\r\nconnection: close\r\n\r\n`,
      );
      expect(statuses(refused)).toEqual([413]);
    });

    it.each([
      ['a quote breaking out of forwarded', 'users.local:x";for="6.6.6.6'],
      ['a list', 'users.local:80, evil.example'],
      ['a signed port', `127.0.0.1:+${'PORT'}`],
      ['a fractional port', `127.0.0.1:${'PORT'}.0`],
    ])('refuses a malformed Host (%s) with 400, forwarding nothing', async (_name, value) => {
      const before = recorder.seen.length;
      const text = await rawExchange(
        url,
        `GET /rec HTTP/1.1\r\nHost: ${value.replace('PORT', new URL(url).port)}\r\nconnection: close\r\n\r\n`,
      );
      expect(statuses(text)).toEqual([400]);
      expect(recorder.seen.length).toBe(before);
    });

    it('invites a body (100 Continue) only once the request is on its way: a request no route serves gets its 404 without', async () => {
      const head = (path: string): string =>
        `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nexpect: 100-continue\r\ncontent-length: 5\r\nconnection: close\r\n\r\n`;
      const refused = await rawExchange(url, head('/nowhere'));
      expect(statuses(refused)).toEqual([404]);
      expect(refused).not.toContain('100 Continue');
      const { socket, read } = openExchange(url, head('/rec'));
      socket.once('data', () => socket.write('hello'));
      expect(statuses(await read)).toEqual([100, 200]);
      expect(recorder.seen.at(-1)!.headers['content-length']).toBe('5');
    });

    it('refuses an HTTP/1.1 request without Host with its own JSON 400, and counts it', async () => {
      const before = sidecar.stats().refused.bad_request ?? 0;
      const text = await rawExchange(url, 'GET /rec HTTP/1.1\r\nconnection: close\r\n\r\n');
      expect(statuses(text)).toEqual([400]);
      expect(text).toContain('SLIP_ERR_REFUSED');
      expect(sidecar.stats().refused.bad_request).toBe(before + 1);
    });

    it.each([['/rec/../admin'], ['/rec/%2E%2e/admin'], ['/rec/./x'], ['/rec/..']])(
      'refuses a path with a dot segment (%s) with 400, forwarding nothing: a prefix route would not bound it',
      async (path) => {
        const before = recorder.seen.length;
        const text = await rawExchange(
          url,
          `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n\r\n`,
        );
        expect(statuses(text)).toEqual([400]);
        expect(recorder.seen.length).toBe(before);
      },
    );

    it('serves a path whose segments only contain dots among other characters', async () => {
      const dotted = await rawExchange(
        url,
        `GET /rec/..x/y.json HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n\r\n`,
      );
      expect(statuses(dotted)).toEqual([200]);
    });

    it('refuses an absolute-form target with userinfo (RFC 9110 §4.2.4) with 400', async () => {
      const before = recorder.seen.length;
      const text = await rawExchange(
        url,
        `GET http://evil.example@${host}/rec HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n\r\n`,
      );
      expect(statuses(text)).toEqual([400]);
      expect(recorder.seen.length).toBe(before);
    });

    it('refuses a body in a transfer coding besides chunked: 501 when chunked is last, 400 when it is not', async () => {
      const post = (te: string): string =>
        `POST /rec HTTP/1.1\r\nHost: ${host}\r\ntransfer-encoding: ${te}\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
      const before = recorder.seen.length;
      expect(statuses(await rawExchange(url, post('gzip, chunked')))).toEqual([501]);
      expect(statuses(await rawExchange(url, post('chunked, gzip')))).toEqual([400]);
      expect(recorder.seen.length).toBe(before);
    });

    it('passes a declared content-length through with a streamed body (it went chunked past 64 KiB: legacy upstreams answer 411)', async () => {
      await send(url, { method: 'POST', path: '/rec', body: Buffer.alloc(70_000) });
      expect(recorder.seen.at(-1)!.headers).toMatchObject({ 'content-length': '70000' });
      expect(recorder.seen.at(-1)!.headers['transfer-encoding']).toBeUndefined();
    });

    it("closes the connection after an upstream's answer that came before the request body ended", async () => {
      const { socket, read } = openExchange(
        url,
        `POST /early HTTP/1.1\r\nHost: ${host}\r\ncontent-length: 1000000\r\n\r\n${'x'.repeat(1_000)}`,
      );
      const timer = setTimeout(() => socket.destroy(), 3_000);
      const text = await read;
      clearTimeout(timer);
      expect(statuses(text)).toEqual([413]);
      expect(text.toLowerCase()).toContain('connection: close');
    });
  });

  it('refuses a request that went round a loop back to it (a cluster pointing at the sidecar) with 508 after 5 hops', async () => {
    const sidecar = await startSidecar({ config: config(), logger });
    try {
      const looped = config();
      looped.network.clusters.push({ cluster: 'loop', endpoints: [{ origin: sidecar.proxyUrl }] });
      looped.network.routes!.push({ id: 'loop', match: { path: '/loop' }, cluster: 'loop' });
      await sidecar.reload(looped);
      const res = await send(sidecar.proxyUrl, {
        path: '/loop',
        headers: { 'x-slipstream-timeout-ms': '3000' },
      });
      expect(res.status).toBe(508);
      expect(sidecar.stats().refused.loop).toBe(1);
    } finally {
      await sidecar.stop();
    }
  });

  it('on a drain, answers every request pipelined before it on a connection, then closes it', async () => {
    const sidecar = await startSidecar({ config: config(), logger });
    const host = new URL(sidecar.proxyUrl).host;
    const post = (path: string): string =>
      `POST ${path} HTTP/1.1\r\nHost: ${host}\r\ncontent-length: 2\r\n\r\nhi`;
    // The first takes 2 s: the three stay in flight (the others queued behind it) while the test looks.
    slow.setBehaviour([{ match: { path: '/slow/1' }, behaviour: { latencyMs: 2_000 } }]);
    const served = slow.counters().requestsReceived;
    const { read } = openExchange(sidecar.proxyUrl, `${post('/slow/1')}${post('/slow/2')}${post('/slow/3')}`);
    const deadline = Date.now() + 1_500;
    while (sidecar.stats().inFlight < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sidecar.stats().inFlight).toBe(3);
    await sidecar.stop();
    const text = await read;
    expect(statuses(text)).toEqual([200, 200, 200]);
    expect(text.indexOf('"/slow/1"')).toBeLessThan(text.indexOf('"/slow/3"'));
    expect(slow.counters().requestsReceived - served).toBe(3);
  });
});
